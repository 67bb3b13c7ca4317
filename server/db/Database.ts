/**
 * The one database interface the server codes against, so the same SQL runs on embedded PGlite and on a
 * PostgreSQL server. Values that differ between the two drivers (int8 as string or BigInt, bytea as
 * Buffer or Uint8Array) are normalised by the callers with Number() / Buffer.from().
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** One statement with `$1…` parameters. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
}

export interface Executor extends Queryable {
  /** Several statements without parameters (migration files). */
  exec(sql: string): Promise<void>;
}

/**
 * The connections behind a Database: how many there are, how many are idle, and how many queries wait for
 * one (the load shedder's database-pressure signal, and a metric). PGlite is one connection that runs one
 * query at a time: every query started beyond the running one waits.
 */
export type PoolStats = { connections: number; idle: number; waiting: number };

export interface Database extends Executor {
  readonly kind: 'pglite' | 'postgres';
  pool(): PoolStats;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
