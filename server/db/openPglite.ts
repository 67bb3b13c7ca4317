import { PGlite } from '@electric-sql/pglite';
import type { Database, Executor, Row } from './Database.js';
import { lockDirectory } from './directoryLock.js';

/**
 * Embedded PostgreSQL (PGlite) in `directory`, held under an exclusive lock. PGlite runs with fsync off:
 * right for a demo and for tests, not for production, which wants a PostgreSQL server (DATABASE_URL).
 */
export async function openPglite(directory: string): Promise<Database> {
  const release = lockDirectory(directory);
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir: directory });
  } catch (error) {
    release();
    throw error;
  }
  const asExecutor = (target: Pick<PGlite, 'query' | 'exec'>): Executor => ({
    query: async <T extends Row>(sql: string, params: readonly unknown[] = []) => {
      const result = await target.query<T>(sql, params as unknown[]);
      return { rows: result.rows };
    },
    exec: async (sql) => {
      await target.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...asExecutor(pg),
    transaction: (work) => pg.transaction((tx) => work(asExecutor(tx))),
    close: async () => {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}
