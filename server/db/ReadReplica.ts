import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleAll, timeout, TimeoutStrategy, type CircuitBreakerPolicy } from 'cockatiel';
import { withDefaults } from '../withDefaults.js';
import type { Database, Queryable } from './Database.js';

export type ReadReplicaOptions = {
  primary: Database;
  /** A streaming standby of `primary` (READ_DATABASE_URL); none: every read goes to the primary. */
  replica?: Database;
  /**
   * How long a read waits for the standby to replay the reader's last write before it goes to the primary
   * instead; default 250 ms. Longer spares the primary, shorter answers sooner.
   */
  maxWaitMs?: number;
  /** How often the standby's replay position is asked while waiting; default 10 ms. */
  pollMs?: number;
  /** After a failed standby query, reads go to the primary for this long; default 5 s. */
  replicaDownMs?: number;
  /** The longest the standby may take to answer one of these questions before it counts as down; default 1 s. */
  answerMs?: number;
};

/**
 * `query`'s answer, or cockatiel's TaskCancelledError once `ms` have passed without it (an aggressive
 * timeout: the query itself is left to the pool's own timeout).
 */
function withDeadline<T>(ms: number, query: () => Promise<T>): Promise<T> {
  return timeout(ms, TimeoutStrategy.Aggressive).execute(query);
}

/** Where a read went, and why (a metric label). */
export type ReadRoute = {
  db: Queryable;
  served: 'replica' | 'primary';
  reason: 'no-replica' | 'no-write' | 'caught-up' | 'behind' | 'replica-down' | 'replica-promoted' | 'unreadable-position';
};

/** A PostgreSQL WAL position as text (`16/B374D848`). */
export const lsnPattern = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

/** The later of two WAL positions (each matching lsnPattern). */
export function laterPosition(a: string, b: string): string {
  const value = (lsn: string) => {
    const [high, low] = lsn.split('/') as [string, string];
    return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
  };
  return value(a) >= value(b) ? a : b;
}

/** How long a read waits for the standby, how often it looks, how long a failed standby is left alone, how long it may take to answer. */
export const readReplicaDefaults = { maxWaitMs: 250, pollMs: 10, replicaDownMs: 5000, answerMs: 1000 } as const;

type ReadReplicaTuning = Required<Pick<ReadReplicaOptions, 'maxWaitMs' | 'pollMs' | 'replicaDownMs' | 'answerMs'>>;

/**
 * Reads that may go to a streaming standby, without ever showing a client older state than its own write
 * (pgdog#823 measured 30 % stale reads behind a replica without this).
 *
 * - After a write, the writer is handed the primary's WAL position (`writePosition`, taken after the
 *   commit, so at or past the commit record). The client carries it to its next reads.
 * - A read with a position waits until the standby has replayed it (`pg_last_wal_replay_lsn()`), up to
 *   `maxWaitMs`, then goes to the primary. A read without one goes to the standby at once: whatever it
 *   shows, the client never wrote anything newer.
 * - A standby that fails a query is left alone for `replicaDownMs` (cockatiel's breaker): reads go to the
 *   primary meanwhile, so a dead standby costs one failed query, not one per read.
 * - A replica that is no longer a standby (promoted while the primary still takes writes, or recovery
 *   ended) follows the primary no more: a read without a position served there would show the state of
 *   the moment it was promoted, for good. Whether it still is one is asked at most once a second;
 *   while it is not, every read goes to the primary (npm run chaos -- standby-promoted).
 */
export class ReadReplica {
  readonly #options: Required<Omit<ReadReplicaOptions, 'replica'>> & Pick<ReadReplicaOptions, 'replica'>;
  readonly #breaker: CircuitBreakerPolicy;

  constructor(options: ReadReplicaOptions) {
    const { primary, replica, ...tuning } = options;
    this.#options = { primary, replica, ...withDefaults<ReadReplicaTuning>(readReplicaDefaults, tuning) };
    for (const key of ['maxWaitMs', 'pollMs', 'replicaDownMs', 'answerMs'] as const) {
      const value = this.#options[key];
      // Without a finite wait, a read the standby cannot serve (promoted, stopped replaying) waits for ever.
      if (!Number.isFinite(value) || value < 0) throw new Error(`ReadReplica: ${key} must be a finite number of milliseconds ≥ 0, got ${value}.`);
    }
    this.#breaker = circuitBreaker(handleAll, { halfOpenAfter: this.#options.replicaDownMs, breaker: new ConsecutiveBreaker(1) });
  }

  /**
   * Whether the replica still follows the primary: `standby` (in recovery), `promoted` (it is not), `down`
   * (it did not answer). Read at most once a second, shared by every caller.
   */
  following(): Promise<'standby' | 'promoted' | 'down'> {
    const { replica } = this.#options;
    if (!replica) return Promise.resolve('down');
    if (this.#following && Date.now() - this.#following.at < 1000) return this.#following.state;
    // A standby that hangs (cut off without a reset, every connection stuck) answers nothing: after
    // `answerMs` it counts as down, and reads go to the primary rather than wait on it.
    const state = withDeadline(this.#options.answerMs, () => replica.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby'))
      .then(({ rows }) => (rows[0]?.standby === true ? ('standby' as const) : ('promoted' as const)))
      .catch(() => 'down' as const);
    this.#following = { at: Date.now(), state };
    return state;
  }
  #following: { at: number; state: Promise<'standby' | 'promoted' | 'down'> } | undefined;

  get hasReplica(): boolean {
    return this.#options.replica !== undefined;
  }

  /** The primary's WAL position now: what the writer's next reads must see. Undefined without a standby (nothing to wait for). */
  async writePosition(): Promise<string | undefined> {
    if (!this.#options.replica) return undefined;
    const { rows } = await this.#options.primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
    return rows[0]?.lsn;
  }

  /**
   * Where a read that must see `minPosition` (the reader's last write, if any) goes. `null`: the reader
   * wrote something, but its position cannot be read; only the primary is sure to have it.
   */
  async route(minPosition: string | undefined | null): Promise<ReadRoute> {
    const { replica, primary, maxWaitMs, pollMs } = this.#options;
    if (!replica) return { db: primary, served: 'primary', reason: 'no-replica' };
    if (minPosition === null) return { db: primary, served: 'primary', reason: 'unreadable-position' };
    const following = await this.following();
    if (following === 'promoted') return { db: primary, served: 'primary', reason: 'replica-promoted' };
    if (following === 'down') return { db: primary, served: 'primary', reason: 'replica-down' };
    if (minPosition === undefined) return { db: replica, served: 'replica', reason: 'no-write' };
    const deadline = Date.now() + maxWaitMs;
    try {
      for (;;) {
        // Each look has `answerMs` at least (not merely the wait left: a healthy standby's slow answer must
        // not open the breaker); a standby that hangs opens it, and reads go to the primary meanwhile.
        const caughtUp = await this.#breaker.execute(async () => {
          const { rows } = await withDeadline(Math.max(deadline - Date.now(), this.#options.answerMs), () =>
            replica.query<{ caught_up: boolean | null }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up', [minPosition]),
          );
          return rows[0]?.caught_up === true;
        });
        if (caughtUp) return { db: replica, served: 'replica', reason: 'caught-up' };
        if (Date.now() + pollMs > deadline) return { db: primary, served: 'primary', reason: 'behind' };
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) console.warn('read replica: query failed; reads go to the primary for now', error);
      return { db: primary, served: 'primary', reason: 'replica-down' };
    }
  }

  /**
   * How far the standby is behind: WAL bytes not yet replayed, and seconds since the last replayed
   * commit while there is WAL left to replay (0 when caught up: an idle primary is no lag).
   */
  async lag(): Promise<{ bytes: number; seconds: number } | undefined> {
    const { replica, primary } = this.#options;
    if (!replica) return undefined;
    // Within `answerMs`: a scrape of the metrics must not wait on a standby that hangs (Prometheus would
    // call the node down).
    const { rows } = await withDeadline(this.#options.answerMs, () =>
      replica.query<{ replayed: string | null; seconds: number | string | null }>(
        `SELECT pg_last_wal_replay_lsn()::text AS replayed,
                CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                     ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END AS seconds`,
      ),
    );
    const replayed = rows[0]?.replayed;
    if (!replayed) return undefined;
    const behind = await primary.query<{ bytes: string | number }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS bytes', [replayed]);
    return { bytes: Math.max(0, Number(behind.rows[0]?.bytes ?? 0)), seconds: Math.max(0, Number(rows[0]?.seconds ?? 0)) };
  }
}
