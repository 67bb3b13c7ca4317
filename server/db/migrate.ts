import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './Database.js';

export const migrationsDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/**
 * Applies the SQL files of `server/migrations` not yet applied, in name order, each in its own
 * transaction with its bookkeeping row. The same files run on PGlite and on PostgreSQL 15+, so they use
 * nothing newer than PostgreSQL 15 (gen_random_uuid, not uuidv7). A server-wide advisory lock keeps two
 * processes starting at once on one PostgreSQL from racing.
 */
export async function migrate(db: Database): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const files = readdirSync(migrationsDirectory).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = readFileSync(join(migrationsDirectory, name), 'utf8');
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
  return applied;
}

