import type { Database } from './Database.js';

/**
 * Migrations as text, in the order they run: `name` is what `schema_migrations` records (a set's prefix
 * and the file's name). This part reads no files, so it runs wherever the database does — the server's
 * PGlite or PostgreSQL, and PGlite in a browser worker, whose bundle imports the same `.sql` files as text.
 */
export type MigrationSource = { name: string; sql: string };

/**
 * Applies the migrations not yet applied, each in its own transaction with its bookkeeping row. The same
 * files run on PGlite and on PostgreSQL 15+, so they use nothing newer than PostgreSQL 15 (gen_random_uuid,
 * not uuidv7). A server-wide advisory lock keeps two processes starting at once on one PostgreSQL from
 * racing. Answers the names it applied.
 */
export async function applyMigrations(db: Database, migrations: readonly MigrationSource[]): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: string[] = [];
  for (const { name, sql } of migrations) {
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
