import { describe, expect, it } from 'vitest';
import { migrate } from '../../server/db/migrate.js';
import { openPglite } from '../../server/db/openPglite.js';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';

describe('migrations', () => {
  it('run once: a migrated database is left as it is, its data kept', async () => {
    const db = await openPglite(await copyPgliteTemplate());
    try {
      const before = await db.query('SELECT count(*)::int AS n FROM messages');
      expect(await migrate(db)).toEqual([]);
      const applied = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(applied.rows.map((row) => row.name)).toContain('001_initial.sql');
      expect((await db.query('SELECT count(*)::int AS n FROM messages')).rows).toEqual(before.rows);
    } finally {
      await db.close();
    }
  });
});
