import type { PGlite } from '@electric-sql/pglite';
import type { Database, Executor, Row } from './Database.js';

/**
 * A PGlite instance as the server's Database. Nothing here touches the file system, so the in-browser demo
 * backend wraps its PGlite (in IndexedDB) the same way the server wraps its own (openPglite).
 * `afterClose`: what to release once it is closed (the server's directory lock).
 */
export function pgliteDatabase(pg: PGlite, afterClose: () => void = () => {}): Database {
  // Work started and not finished (top-level queries and transactions): PGlite runs one at a time.
  let started = 0;
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    started++;
    try {
      return await work();
    } finally {
      started--;
    }
  };
  const asExecutor = (target: Pick<PGlite, 'query' | 'exec'>, count: boolean): Executor => ({
    query: async <T extends Row>(sql: string, params: readonly unknown[] = []) => {
      const result = count ? await counted(() => target.query<T>(sql, params as unknown[])) : await target.query<T>(sql, params as unknown[]);
      return { rows: result.rows };
    },
    exec: async (sql) => {
      await (count ? counted(() => target.exec(sql)) : target.exec(sql));
    },
  });
  return {
    kind: 'pglite',
    ...asExecutor(pg, true),
    pool: () => ({ connections: 1, idle: started === 0 ? 1 : 0, waiting: Math.max(0, started - 1) }),
    transaction: (work) => counted(() => pg.transaction((tx) => work(asExecutor(tx, false)))),
    close: async () => {
      try {
        await pg.close();
      } finally {
        afterClose();
      }
    },
  };
}
