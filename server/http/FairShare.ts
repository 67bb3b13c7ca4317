import { ApiError } from './ApiError.js';

/**
 * Fair shares of the server's heavy work (delta-sync pages, action batches: a route says `fairShare:
 * 'heavy'`) between sessions and tenants. Such requests are critical — never shed — so without this one
 * agent's loop of full syncs made every other tenant's requests queue behind it (PGlite runs one query at a
 * time; PostgreSQL has a pool). Three rules:
 *
 * 1. At most `maxConcurrent` heavy requests run at once in the process, and one per session; the rest wait
 *    in a queue per tenant, the tenant served least recently going next, so a busy tenant cannot starve
 *    another.
 * 2. A session with `maxQueuedPerSession` requests already waiting is refused (429 with Retry-After):
 *    the app's own clients have a few heavy requests out at a time (one pull per open tab, one batch); a
 *    flood gets told to wait.
 * 3. While other sessions are active (a request within `contendedWindowMs`), a session's heavy work may
 *    take at most `busyShare` of the time: after a request that took t, its next starts no sooner than
 *    t × (1 − busyShare) / busyShare later. Light requests of others (sign-in checks, `/api/me`, a thread)
 *    then find the database free most of the time. With nobody else about, a session runs at full speed.
 *
 * Hand-written: p-limit and p-queue bound concurrency but know no tenants, sessions or duty cycle, which
 * are the point here; the scheduling itself is a few dozen lines.
 */
export type FairShareOptions = {
  /** Off: every request runs at once (the benchmark's baseline). Default on. */
  enabled?: boolean;
  /** Heavy requests running at once in this process; default 1 on PGlite (one query at a time), 4 on PostgreSQL. */
  maxConcurrent?: number;
  /** Heavy requests one session may have waiting beyond the one running; default 16 (every tab of a browser may pull at once). */
  maxQueuedPerSession?: number;
  /** The share of time one session's heavy work may take while others are active; default 0.5. */
  busyShare?: number;
  /** Another session counts as active this long after its last request; default 1 s. */
  contendedWindowMs?: number;
  /** Most items in one page read while other sessions are active; default 1,000. */
  contendedPageLimit?: number;
  now?: () => number;
};

export const fairShareDefaults = { maxQueuedPerSession: 16, busyShare: 0.5, contendedWindowMs: 1000, contendedPageLimit: 1000 } as const;

export type FairShareOutcome = 'immediate' | 'waited' | 'refused';
/** Whose turn a heavy request takes: a session of a tenant. */
export type Who = { tenantId: string; tokenHash: string };
type Waiter = { who: Who; start: () => void; cancelled: boolean };
type SessionState = { running: boolean; waiting: number; readyAt: number };

export class FairShare {
  readonly #enabled: boolean;
  readonly #maxConcurrent: number;
  readonly #maxQueuedPerSession: number;
  readonly #busyShare: number;
  readonly #contendedWindowMs: number;
  readonly #contendedPageLimit: number;
  readonly #now: () => number;
  readonly #onOutcome: (outcome: FairShareOutcome) => void;
  readonly #queues = new Map<string, Waiter[]>();
  readonly #sessions = new Map<string, SessionState>();
  /** The two sessions seen last, newest first: enough to tell whether anyone but a given session is about. */
  #recent: { tokenHash: string; at: number }[] = [];
  #running = 0;
  /** When each tenant was last served (a turn number): the least recent goes next. */
  readonly #lastTurn = new Map<string, number>();
  #turn = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: FairShareOptions & { maxConcurrent: number }, onOutcome: (outcome: FairShareOutcome) => void = () => {}) {
    this.#enabled = options.enabled ?? true;
    this.#maxConcurrent = options.maxConcurrent;
    this.#maxQueuedPerSession = options.maxQueuedPerSession ?? fairShareDefaults.maxQueuedPerSession;
    this.#busyShare = options.busyShare ?? fairShareDefaults.busyShare;
    this.#contendedWindowMs = options.contendedWindowMs ?? fairShareDefaults.contendedWindowMs;
    this.#contendedPageLimit = options.contendedPageLimit ?? fairShareDefaults.contendedPageLimit;
    this.#now = options.now ?? Date.now;
    this.#onOutcome = onOutcome;
  }

  /** Every authenticated request, light or heavy: who is about. */
  noteActivity(tokenHash: string): void {
    const at = this.#now();
    this.#recent = [{ tokenHash, at }, ...this.#recent.filter((entry) => entry.tokenHash !== tokenHash)].slice(0, 2);
  }

  /**
   * Waits for this session's turn; answers the function that gives the slot back (call it once, when the
   * answer is serialized). Throws ApiError `too-many-heavy-requests` when the session has too many waiting.
   * `signal`: the request went away while waiting (its place is given up).
   */
  acquire(who: Who, signal?: AbortSignal): Promise<() => void> {
    if (!this.#enabled) return Promise.resolve(() => {});
    if (this.#sessions.size > 10_000) this.#forgetIdleSessions();
    const session = this.#session(who.tokenHash);
    if (session.waiting >= this.#maxQueuedPerSession) {
      this.#onOutcome('refused');
      return Promise.reject(new ApiError('too-many-heavy-requests'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { who, cancelled: false, start: () => resolve(this.#releaser(who, session)) };
      session.waiting++;
      const queue = this.#queues.get(who.tenantId) ?? [];
      queue.push(waiter);
      this.#queues.set(who.tenantId, queue);
      signal?.addEventListener('abort', () => {
        if (waiter.cancelled || !queue.includes(waiter)) return;
        waiter.cancelled = true;
        queue.splice(queue.indexOf(waiter), 1);
        session.waiting--;
        reject(new ApiError('request-timeout'));
      });
      const startedAtOnce = this.#dispatch(waiter);
      if (!startedAtOnce && !waiter.cancelled) this.#onOutcome('waited');
    });
  }

  /**
   * How many items a page read may hold: what the client asked for, or at most `contendedPageLimit` while
   * other sessions are active — one 5,000-change page holds the database for far longer than a turn should
   * last, and the client asks for the next page anyway (a page says whether there is more).
   */
  pageLimit(tokenHash: string, requested: number): number {
    if (!this.#enabled || !this.#othersActive(tokenHash, this.#now())) return requested;
    return Math.min(requested, this.#contendedPageLimit);
  }

  /** Requests waiting, all tenants together (a metric). */
  get waiting(): number {
    let count = 0;
    for (const queue of this.#queues.values()) count += queue.length;
    return count;
  }

  #session(tokenHash: string): SessionState {
    let session = this.#sessions.get(tokenHash);
    if (!session) {
      session = { running: false, waiting: 0, readyAt: 0 };
      this.#sessions.set(tokenHash, session);
    }
    return session;
  }

  #releaser(who: Who, session: SessionState): () => void {
    const started = this.#now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.#now();
      session.running = false;
      this.#running--;
      if (this.#othersActive(who.tokenHash, now)) session.readyAt = now + ((now - started) * (1 - this.#busyShare)) / this.#busyShare;
      if (session.waiting === 0 && session.readyAt <= now) this.#sessions.delete(who.tokenHash);
      this.#dispatch();
    };
  }

  /** Sessions with nothing running, nothing waiting and no pause left: their state is the default again. */
  #forgetIdleSessions(): void {
    const now = this.#now();
    for (const tenantId of this.#lastTurn.keys()) if (!this.#queues.has(tenantId)) this.#lastTurn.delete(tenantId);
    for (const [tokenHash, session] of this.#sessions)
      if (!session.running && session.waiting === 0 && session.readyAt <= now) this.#sessions.delete(tokenHash);
  }

  #othersActive(tokenHash: string, now: number): boolean {
    return this.#recent.some((entry) => entry.tokenHash !== tokenHash && now - entry.at < this.#contendedWindowMs);
  }

  /**
   * Starts what may start: of the tenants with a waiter that may go (its session idle and past its pause),
   * the one served least recently — round-robin, which a tenant's emptied queue does not reset — and in it
   * the first such waiter. Answers whether `newcomer` was started in this call.
   */
  #dispatch(newcomer?: Waiter): boolean {
    let startedNewcomer = false;
    const now = this.#now();
    let earliestPause = Number.POSITIVE_INFINITY;
    while (this.#running < this.#maxConcurrent) {
      let chosen: { tenantId: string; queue: Waiter[]; index: number; turn: number } | undefined;
      for (const [tenantId, queue] of this.#queues) {
        const index = queue.findIndex((waiter) => {
          const session = this.#session(waiter.who.tokenHash);
          if (session.readyAt > now) earliestPause = Math.min(earliestPause, session.readyAt);
          return !session.running && session.readyAt <= now;
        });
        const turn = this.#lastTurn.get(tenantId) ?? -1;
        if (index !== -1 && (!chosen || turn < chosen.turn)) chosen = { tenantId, queue, index, turn };
      }
      if (!chosen) break;
      const [waiter] = chosen.queue.splice(chosen.index, 1);
      if (chosen.queue.length === 0) this.#queues.delete(chosen.tenantId);
      this.#lastTurn.set(chosen.tenantId, ++this.#turn);
      const session = this.#session(waiter!.who.tokenHash);
      session.waiting--;
      session.running = true;
      this.#running++;
      if (waiter === newcomer) {
        startedNewcomer = true;
        this.#onOutcome('immediate');
      }
      waiter!.start();
    }
    if (this.#timer === undefined && Number.isFinite(earliestPause) && this.#running < this.#maxConcurrent) {
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.#dispatch();
        },
        Math.max(1, earliestPause - now),
      );
      this.#timer.unref?.();
    }
    return startedNewcomer;
  }
}
