import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, type MigrationSource } from './applyMigrations.js';
import type { Database, Queryable } from './Database.js';

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
  return readdirSync(set.directory)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/**
 * Applies the files of `sets` not yet applied, set after set, each file in its own transaction with its
 * bookkeeping row (applyMigrations). An app lists the core set before its own (its tables refer to tenants
 * and agents); the workspace lists it after, because its first migrations made those tables before the
 * core set existed, and the core set's IF NOT EXISTS leaves them as they are.
 */
export async function migrate(db: Database, sets: readonly MigrationSet[]): Promise<string[]> {
  if (sets.length === 0) throw new Error('migrate: no migration sets given (an app passes its own and coreMigrations).');
  return applyMigrations(db, readMigrationSources(sets));
}

/** The sets' files as text, in the order they run. */
export function readMigrationSources(sets: readonly MigrationSet[]): MigrationSource[] {
  return sets.flatMap((set) => listFiles(set).map((file) => ({ name: (set.prefix ?? '') + file, sql: readFileSync(join(set.directory, file), 'utf8') })));
}

/** How many of `names` the database has applied (`/readyz` and `/status` compare it with what this build ships). */
export async function appliedMigrationCount(db: Queryable, names: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations WHERE name = ANY($1::text[])', [names]);
  return Number(rows[0]!.n);
}
