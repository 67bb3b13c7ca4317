import type { DrainResult, OutboxReplayer } from './OutboxReplayer.js';

export type OutboxReplayLeaderOptions = {
  replayer: OutboxReplayer;
  /** Web Locks name shared by every tab (and the service worker) replaying this outbox. */
  lockName: string;
  /** `navigator.locks`; without it (no Web Locks) this context replays alone. */
  locks?: LockManager;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
  /** Every pass's outcome, for the UI (backing off, paused, …). */
  onResult?: (result: DrainResult) => void;
  /** Whether this context holds the replay lock now. */
  onLeadership?: (leading: boolean) => void;
};

/**
 * Exactly one replayer at a time, whatever the number of tabs. Each tab asks for one exclusive Web Lock;
 * the tab that holds it is the leader and replays for all, the others wait in the lock's queue and take
 * over the moment the leader's tab closes. Tabs tell the leader about new actions by `kick` (through the
 * BroadcastChannel OutboxClient opens), so no tab ever sends what another is sending.
 *
 * The leader runs a pass when kicked, when the undo window of a held action ends and when backoff expires.
 * A kick during backoff waits for it (a burst of clicks is no reason to hammer a failing server); a kick
 * with `force` (the server was just seen reachable) ends the backoff, but not a Retry-After.
 */
export class OutboxReplayLeader {
  readonly #options: OutboxReplayLeaderOptions;
  readonly #abort = new AbortController();
  readonly #now: () => number;
  #stopped = false;
  #started = false;
  #kicked = true;
  #forced = false;
  #nextAt: number | undefined;
  #wake: (() => void) | undefined;
  #done: Promise<void> | undefined;
  /** Resolved by `stop`: the lock is let go of at once, even with a pass still under way. */
  #release!: () => void;
  readonly #released = new Promise<void>((resolve) => (this.#release = resolve));

  constructor(options: OutboxReplayLeaderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { locks, lockName } = this.#options;
    // The lock is held until leading ends or `stop` is called, whichever comes first. A page frozen in the
    // back/forward cache with a pass in flight (its request never answered while frozen) must not hold
    // every other tab's replay behind it; a pass cut off this way is resent by the next leader, and the
    // server applies each action id once.
    this.#done = locks
      ? locks
          .request(lockName, { signal: this.#abort.signal }, () => Promise.race([this.#lead(), this.#released]))
          .then(
            () => undefined,
            () => undefined,
          )
      : this.#lead();
  }

  /** New work may be queued. `force`: the server is reachable again, skip what is left of the backoff. */
  kick(options: { force?: boolean } = {}): void {
    this.#kicked = true;
    if (options.force) this.#forced = true;
    this.#wake?.();
  }

  /** Stops leading (or waiting to) and lets go of the lock at once; a pass under way finishes on its own. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.#release();
    this.#wake?.();
    await this.#done;
  }

  async #lead(): Promise<void> {
    const { replayer, onResult, onLeadership } = this.#options;
    onLeadership?.(true);
    let backingOff = false;
    try {
      while (!this.#stopped) {
        if (this.#forced) {
          this.#forced = false;
          this.#nextAt = replayer.resetBackoff();
          backingOff = this.#nextAt > this.#now();
        }
        if (this.#kicked && !backingOff) this.#nextAt = this.#now();
        this.#kicked = false;
        if (this.#nextAt !== undefined && this.#nextAt <= this.#now()) {
          this.#nextAt = undefined;
          const result = await replayer.drain();
          onResult?.(result);
          backingOff = result.status === 'backing-off';
          if (result.status === 'held') this.#nextAt = result.wakeAt;
          if (result.status === 'backing-off') this.#nextAt = result.retryAt;
          continue;
        }
        await this.#sleep(this.#nextAt === undefined ? undefined : this.#nextAt - this.#now());
      }
    } finally {
      onLeadership?.(false);
    }
  }

  /** Until a kick, `stop`, or `ms` (forever when undefined). */
  #sleep(ms: number | undefined): Promise<void> {
    const set = this.#options.setTimeout ?? ((callback, delay) => setTimeout(callback, delay));
    const clear = this.#options.clearTimeout ?? ((handle) => clearTimeout(handle as number));
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : set(() => finish(), Math.max(0, ms));
      const finish = () => {
        if (timer !== undefined) clear(timer);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = finish;
      if (this.#kicked || this.#forced || this.#stopped) finish();
    });
  }
}
