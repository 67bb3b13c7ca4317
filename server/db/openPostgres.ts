import pg from 'pg';
import type { Database, Executor, Row } from './Database.js';
import { listenPostgres } from './listenPostgres.js';

/**
 * `queryTimeoutMs`: a query with no answer by then fails (node-postgres's client-side `query_timeout`), and
 * so does waiting that long for a connection: for a server that may hang rather than refuse (a read
 * replica cut off without a reset), where a request must fail rather than wait for ever. Default none.
 */
export type PostgresOptions = { connectionString: string; maxConnections?: number; queryTimeoutMs?: number };

/** A pool on a PostgreSQL server: the production setting, chosen by DATABASE_URL. */
export async function openPostgres({ connectionString, maxConnections = 10, queryTimeoutMs }: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    ...(queryTimeoutMs === undefined ? {} : { query_timeout: queryTimeoutMs, connectionTimeoutMillis: queryTimeoutMs }),
  });
  // An idle connection the server ends (a restart, a failover, pg_terminate_backend) is an 'error' event
  // on the pool; unheard, it would end this process. The pool drops that connection and opens another
  // when next needed; requests meanwhile fail as the database's unavailability, not the server's crash.
  pool.on('error', (error) =>
    console.warn(`database: an idle connection was closed (${(error as { code?: string }).code ?? error.message}); it will be replaced`),
  ); // Fail at start-up, not on the first request, when the server is unreachable or the URL is wrong.
  const probe = await pool.connect();
  probe.release();
  const asExecutor = (target: pg.Pool | pg.PoolClient): Executor => ({
    query: async <T extends Row>(sql: string, params: readonly unknown[] = []) => {
      const result = await target.query<T>(sql, params as unknown[]);
      return { rows: result.rows };
    },
    // Without parameters pg uses the simple query protocol, which takes several statements.
    exec: async (sql) => {
      await target.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...asExecutor(pool),
    pool: () => ({ connections: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    listen: (channel, handlers) => listenPostgres({ connectionString, channel, ...handlers }),
    transaction: async (work) => {
      const client = await pool.connect();
      // A connection the server ends while it is checked out (between a transaction's statements) is an
      // 'error' event on the client, which the pool does not hear: unheard, it ended the node (the chaos
      // suite's db-primary-restart, node2 exiting on 57P01). Heard, the transaction fails as the database's
      // unavailability, and the broken connection is discarded, not returned to the pool.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(asExecutor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
