import type { Database } from './Database.js';
import { migrate, type MigrationSet } from './migrate.js';
import { openPglite } from './openPglite.js';
import { openPostgres } from './openPostgres.js';

export type OpenDatabaseOptions = {
  /** A PostgreSQL server's URL; when absent, embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** The app's migrations, in the order they run (see migrate). */
  migrations: readonly MigrationSet[];
};

/** PostgreSQL when a URL is given, embedded PGlite otherwise; migrated either way. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const db = options.databaseUrl ? await openPostgres({ connectionString: options.databaseUrl }) : await openPglite(options.dataDir);
  try {
    await migrate(db, options.migrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
