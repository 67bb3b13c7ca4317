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

/** A LISTEN on its own connection (PostgreSQL): notifications, and each time it is listening again after a drop. */
export type ListenHandlers = { onNotify: (payload: string) => void; onListening: (reconnected: boolean) => void; onError?: (error: unknown) => void };
export type DatabaseListener = { readonly listening: boolean; readonly pid: number | null; close(): Promise<void> };

export interface Database extends Executor {
  readonly kind: 'pglite' | 'postgres';
  pool(): PoolStats;
  /**
   * LISTEN on `channel` from a connection of its own, reconnecting when it drops. Only where other
   * processes share the database (PostgreSQL); PGlite has one process, whose changes it knows already.
   */
  listen?(channel: string, handlers: ListenHandlers): Promise<DatabaseListener>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
