import type { Database, Executor } from '../db/Database.js';
import { withDefaults } from '../withDefaults.js';

/**
 * Slows sign-in down for a guesser without locking agents out: each failed attempt makes its keys wait a
 * growing delay (after a few free failures: `baseDelayMs`, doubling, at most `maxDelayMs`), counted
 *
 * - per account (the agent's id, or the normalised email when no agent has it), so guesses spread over
 *   many addresses still slow down; its delay is capped low (a minute), because strangers can raise it;
 * - per (account, address), or per (account, known device), so one source slows down fast and far.
 *
 * A known device (a browser this agent signed in from before) or a live session of the agent counts only
 * per (account, device): strangers' failures never slow it down.
 *
 * Kept in the database, so every node of a deployment shares the count and a restart does not reset it.
 * An attempt is reserved — counted as a failure, in one transaction that locks its rows — before its
 * password is checked: concurrent guesses cannot all pass the same check. A success gives its
 * reservations back (the account's) or clears them (the pair's).
 *
 * Hand-written: @fastify/rate-limit counts every request in fixed windows (used per address, in
 * sessionRoutes); this counts failures with a growing delay, per key, in PostgreSQL.
 */
export type ThrottleRule = {
  /** Failures in a row that cost nothing; the next waits `baseDelayMs`, then twice that, and so on. */
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export type SignInThrottleOptions = {
  account?: Partial<ThrottleRule>;
  pair?: Partial<ThrottleRule>;
  /** A key's count starts again after this long without an attempt; default 15 minutes. */
  forgetAfterMs?: number;
};

export const signInThrottleDefaults = {
  account: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 60_000 },
  pair: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 },
  forgetAfterMs: 15 * 60_000,
} as const;

/** Who is trying: the account, and where from — a known device of it, or else an address. */
export type SignInAttempt = { account: string; address: string; knownDevice?: string };

export type Reservation = { allowed: true; keys: readonly ThrottleKey[] } | { allowed: false; retryAfterMs: number };
export type ThrottleKey = { key: string; rule: ThrottleRule; kind: 'account' | 'pair' };

export class SignInThrottle {
  readonly #db: Database;
  readonly #account: ThrottleRule;
  readonly #pair: ThrottleRule;
  readonly #forgetAfterMs: number;

  constructor(db: Database, options: SignInThrottleOptions = {}) {
    this.#db = db;
    this.#account = withDefaults<ThrottleRule>(signInThrottleDefaults.account, options.account);
    this.#pair = withDefaults<ThrottleRule>(signInThrottleDefaults.pair, options.pair);
    this.#forgetAfterMs = options.forgetAfterMs ?? signInThrottleDefaults.forgetAfterMs;
  }

  /** Reserves an attempt (counts it as a failure), or answers how long to wait when a key must wait. */
  reserve(attempt: SignInAttempt): Promise<Reservation> {
    const keys: ThrottleKey[] = attempt.knownDevice
      ? [{ key: `pair:${attempt.account}|device:${attempt.knownDevice}`, rule: this.#pair, kind: 'pair' }]
      : [
          { key: `account:${attempt.account}`, rule: this.#account, kind: 'account' },
          { key: `pair:${attempt.account}|address:${attempt.address}`, rule: this.#pair, kind: 'pair' },
        ];
    return this.#db.transaction(async (tx) => {
      // Rows exist first, so FOR UPDATE locks every key (a missing row cannot be locked).
      await tx.query(`INSERT INTO sign_in_throttle (key, failures, blocked_until) SELECT unnest($1::text[]), 0, to_timestamp(0) ON CONFLICT (key) DO NOTHING`, [
        keys.map((entry) => entry.key),
      ]);
      const { rows } = await tx.query<{ key: string; failures: number; wait_ms: number; idle_ms: number }>(
        `SELECT key, failures,
                greatest(0, extract(epoch FROM blocked_until - clock_timestamp()) * 1000)::float8 AS wait_ms,
                (extract(epoch FROM clock_timestamp() - updated_at) * 1000)::float8 AS idle_ms
           FROM sign_in_throttle WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
        [keys.map((entry) => entry.key)],
      );
      const waitMs = Math.max(...rows.map((row) => Number(row.wait_ms)));
      if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
      for (const entry of keys) {
        // A row a concurrent success deleted after the insert above is a count of none.
        const row = rows.find((candidate) => candidate.key === entry.key);
        const failures = (!row || Number(row.idle_ms) > this.#forgetAfterMs ? 0 : row.failures) + 1;
        await setFailures(tx, entry.key, failures, delayAfter(entry.rule, failures));
      }
      return { allowed: true, keys };
    });
  }

  /** The password was right: the account's reservation is given back, the pair's count cleared. */
  async succeeded(reservation: Reservation): Promise<void> {
    if (!reservation.allowed) return;
    await this.#db.transaction(async (tx) => {
      for (const entry of reservation.keys) {
        if (entry.kind === 'pair') await tx.query('DELETE FROM sign_in_throttle WHERE key = $1', [entry.key]);
        else await tx.query('UPDATE sign_in_throttle SET failures = greatest(0, failures - 1) WHERE key = $1', [entry.key]);
      }
    });
  }

  /** Rows not touched for a day go (the purge job): a count that old is forgotten anyway. */
  static async purge(db: Executor): Promise<number> {
    const { rows } = await db.query(`DELETE FROM sign_in_throttle WHERE updated_at < now() - interval '1 day' RETURNING 1`);
    return rows.length;
  }
}

/** The delay a key waits after its `failures`-th failure in a row. */
export function delayAfter(rule: ThrottleRule, failures: number): number {
  if (failures <= rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** (failures - rule.freeFailures - 1));
}

/**
 * The wall clock (clock_timestamp), not the transaction's start (now()): a transaction that waited for
 * another's row lock must not read that one's "no delay" as a wait (its now() can be the earlier). A free
 * failure leaves blocked_until as it was. An upsert: a concurrent success may have deleted the row.
 */
async function setFailures(tx: Executor, key: string, failures: number, delayMs: number): Promise<void> {
  await tx.query(
    `INSERT INTO sign_in_throttle AS t (key, failures, blocked_until, updated_at)
     VALUES ($1, $2, CASE WHEN $3::float8 > 0 THEN clock_timestamp() + make_interval(secs => $3::float8) ELSE to_timestamp(0) END, clock_timestamp())
     ON CONFLICT (key) DO UPDATE SET failures = $2,
       blocked_until = CASE WHEN $3::float8 > 0 THEN clock_timestamp() + make_interval(secs => $3::float8) ELSE t.blocked_until END,
       updated_at = clock_timestamp()`,
    [key, failures, delayMs / 1000],
  );
}
