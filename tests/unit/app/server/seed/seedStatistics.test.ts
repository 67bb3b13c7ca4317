import { describe, expect, it } from 'vitest';
import { openPglite } from 'holdfast/server';
import { copyPgliteTemplate } from '../../../../support/pgliteTemplate.js';

describe('a seeded database', () => {
  // PGlite has no autovacuum: without the ANALYZE that ends a seed, the planner believes the bulk-loaded
  // tables nearly empty and sorts every later change for each sync page instead of walking the index.
  it('has planner statistics for its bulk-loaded tables', async () => {
    const db = await openPglite(await copyPgliteTemplate());
    try {
      const { rows } = await db.query<{ relname: string; reltuples: number; n: number }>(
        `SELECT c.relname, c.reltuples::float8 AS reltuples,
                (CASE c.relname WHEN 'messages' THEN (SELECT count(*) FROM messages) ELSE (SELECT count(*) FROM conversations) END)::int AS n
         FROM pg_class c WHERE c.relname IN ('messages', 'conversations') ORDER BY c.relname`,
      );
      expect(rows.map((row) => row.relname)).toEqual(['conversations', 'messages']);
      for (const row of rows) {
        expect(row.n).toBeGreaterThan(200);
        expect(row.reltuples).toBe(row.n);
      }
    } finally {
      await db.close();
    }
  }, 120_000);
});
