import type { PGlite } from '@electric-sql/pglite';
import type { Database, Executor, Row } from './Database.js';

/**
 * A PGlite instance as the server's Database. Nothing here touches the file system, so the in-browser demo
 * backend wraps its PGlite (in IndexedDB) the same way the server wraps its own (openPglite).
 * `afterClose`: what to release once it is closed (the server's directory lock).
 */
export function pgliteDatabase(pg: PGlite, afterClose: () => void = () => {}): Database {
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
        afterClose();
      }
    },
  };
}
