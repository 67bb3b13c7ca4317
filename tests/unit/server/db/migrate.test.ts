import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from 'holdfast/server';
import { coreMigrations, migrate } from 'holdfast/server';
import { openPglite } from 'holdfast/server';
import { workspaceMigrations } from '../../../../app/server/workspaceServerApp.js';
import { copyPgliteTemplate } from '../../../support/pgliteTemplate.js';

const coreTables = ['tenants', 'agents', 'sessions', 'applied_actions', 'server_settings'];

/** Columns (name, type, nullability, default), keys and indexes of the core tables, in a comparable form. */
async function coreShape(db: Database): Promise<string[]> {
  const columns = await db.query<{ t: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS t
     FROM information_schema.columns WHERE table_name = ANY($1::text[]) ORDER BY 1`,
    [coreTables],
  );
  const indexes = await db.query<{ t: string }>(`SELECT tablename || ' ' || indexdef AS t FROM pg_indexes WHERE tablename = ANY($1::text[]) ORDER BY 1`, [
    coreTables,
  ]);
  const sequences = await db.query<{ t: string }>(`SELECT sequencename AS t FROM pg_sequences WHERE sequencename = 'change_seq'`);
  return [...columns.rows, ...indexes.rows, ...sequences.rows].map((row) => row.t);
}

async function withFreshDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-migrate-'));
  const db = await openPglite(dir);
  try {
    return await work(db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('migrations', () => {
  it('run once: a migrated database is left as it is, its data kept', async () => {
    const db = await openPglite(await copyPgliteTemplate());
    try {
      const before = await db.query('SELECT count(*)::int AS n FROM messages');
      expect(await migrate(db, workspaceMigrations)).toEqual([]);
      const applied = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(applied.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['001_initial.sql', 'core/001_core.sql']));
      expect((await db.query('SELECT count(*)::int AS n FROM messages')).rows).toEqual(before.rows);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("the core set keeps a workspace database's tables as they were, and gives a new app's database the same tables", async () => {
    const [workspaceOnly, afterCore] = await withFreshDatabase(async (db) => {
      // Today's workspace database: its own migrations only, as every existing deployment has them.
      await migrate(db, [workspaceMigrations[0]!]);
      const before = await coreShape(db);
      expect(await migrate(db, workspaceMigrations)).toEqual([
        'core/001_core.sql',
        'core/002_client_events.sql',
        'core/003_hardening.sql',
        'core/004_incidents.sql',
      ]);
      return [before, await coreShape(db)];
    });
    // Every column and index the workspace had is still there, unchanged (003 only adds).
    expect(afterCore).toEqual(expect.arrayContaining(workspaceOnly));
    const coreOnly = await withFreshDatabase(async (db) => {
      expect(await migrate(db, [coreMigrations])).toEqual([
        'core/001_core.sql',
        'core/002_client_events.sql',
        'core/003_hardening.sql',
        'core/004_incidents.sql',
      ]);
      return coreShape(db);
    });
    expect(coreOnly).toEqual(afterCore);
    // Two fresh PGlite databases: opening one takes 2–8 s here and far longer on a starved machine.
  }, 180_000);
});
