import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './Database.js';

/**
 * A folder of `.sql` files, applied in name order. `prefix` goes before each file's name in
 * `schema_migrations`, so two sets may both have a `001_….sql`; the framework's own set is recorded as
 * `core/…`. An app's set is usually recorded bare.
 */
export type MigrationSet = { directory: string; prefix?: string };

/** The framework's tables (tenants, agents, sessions, applied actions, the change sequence, settings). */
export const coreMigrations: MigrationSet = { directory: join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations'), prefix: 'core/' };

/** Every migration the sets hold, as recorded: in the order they run. */
export function migrationNames(sets: readonly MigrationSet[]): string[] {
  return sets.flatMap((set) => listFiles(set).map((file) => (set.prefix ?? '') + file));
}

function listFiles(set: MigrationSet): string[] {
  return readdirSync(set.directory).filter((name) => name.endsWith('.sql')).sort();
}

/**
 * Applies the files of `sets` not yet applied, set after set, each file in its own transaction with its
 * bookkeeping row. An app lists the core set before its own (its tables refer to tenants and agents); the
 * workspace lists it after, because its first migrations made those tables before the core set existed,
 * and the core set's IF NOT EXISTS leaves them as they are. The same files run on PGlite and on PostgreSQL
 * 15+, so they use nothing newer than PostgreSQL 15 (gen_random_uuid, not uuidv7). A server-wide advisory
 * lock keeps two processes starting at once on one PostgreSQL from racing.
 */
export async function migrate(db: Database, sets: readonly MigrationSet[]): Promise<string[]> {
  if (sets.length === 0) throw new Error('migrate: no migration sets given (an app passes its own and coreMigrations).');
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: string[] = [];
  for (const set of sets) {
    for (const file of listFiles(set)) {
      const name = (set.prefix ?? '') + file;
      const sql = readFileSync(join(set.directory, file), 'utf8');
      const ran = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(7243001)');
        const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
        if (done.rows.length > 0) return false;
        // exec() takes several statements; PGlite's query() would reject a migration file.
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
        return true;
      });
      if (ran) applied.push(name);
    }
  }
  return applied;
}
