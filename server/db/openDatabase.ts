import type { Database } from './Database.js';
import { migrate } from './migrate.js';
import { openPglite } from './openPglite.js';
import { openPostgres } from './openPostgres.js';

/** PostgreSQL when a URL is given, embedded PGlite otherwise; migrated either way. */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  const db = options.databaseUrl ? await openPostgres({ connectionString: options.databaseUrl }) : await openPglite(options.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
