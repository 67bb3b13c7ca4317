import { LeaderLease, type LeaderLeaseOptions } from '../leadership/LeaderLease.js';
import type { DrainResult, OutboxReplayer } from './OutboxReplayer.js';

export type OutboxReplayLeaderOptions = {
  replayer: OutboxReplayer;
  /** Web Locks name shared by every tab (and the service worker) replaying this outbox. */
  lockName: string;
  /** `navigator.locks`; without it (no Web Locks) this context replays alone. */
  locks?: LockManager;
  /** A channel to the other tabs, for the leader's heartbeat: a tab that stops answering is taken over (LeaderLease). */
  openChannel?: (name: string) => BroadcastChannel | undefined;
  /** The heartbeat's period and the silence after which another tab takes over (LeaderLease's defaults: 2 s, 10 s). */
  lease?: Pick<LeaderLeaseOptions, 'beatMs' | 'takeoverMs'>;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
  /**
   * A clock nobody sets, for the leader's own waits (`performance.now`; `now` when a test gives one). The
   * replayer answers in the device's time (epoch ms); a wait measured in it would last hours if the clock
   * were set back hours meanwhile.
   */
  clock?: () => number;
  /** Every pass's outcome, for the UI (backing off, paused, …). */
  onResult?: (result: DrainResult) => void;
  /** Whether this context holds the replay lock now. */
  onLeadership?: (leading: boolean) => void;
};

/**
 * Exactly one replayer at a time, whatever the number of tabs. Each tab asks for one exclusive Web Lock;
 * the tab that holds it is the leader and replays for all, the others wait in the lock's queue and take
 * over the moment the leader's tab closes. Tabs tell the leader about new actions by `kick` (through the
 * BroadcastChannel OutboxClient opens), so no tab sends what another is sending — but for the batch a leader
 * had in flight when another tab took over from it (LeaderLease): it stops between batches once it runs, and
 * the server applies each action id once.
 *
 * A leader that stops answering without closing (a hung or stopped tab) is taken over (LeaderLease).
 *
 * The leader runs a pass when kicked, when the undo window of a held action ends and when backoff expires.
 * A kick during backoff waits for it (a burst of clicks is no reason to hammer a failing server); a kick
 * with `force` (the server was just seen reachable) ends the backoff, but not a Retry-After.
 */
export class OutboxReplayLeader {
  readonly #options: OutboxReplayLeaderOptions;
  readonly #now: () => number;
  readonly #clock: () => number;
  #stopped = false;
  #started = false;
  #kicked = true;
  #forced = false;
  /** When the next pass is due, on `#clock`. */
  #nextAt: number | undefined;
  #wake: (() => void) | undefined;
  #done: Promise<void> | undefined;
  #lease: LeaderLease | undefined;
  /** The last term's loop: a term taken over ends after its pass under way, and the next waits for it. */
  #term: Promise<void> = Promise.resolve();

  constructor(options: OutboxReplayLeaderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#clock = options.clock ?? options.now ?? (() => performance.now());
  }

  /** A time the replayer gave (the device's epoch ms) on the leader's own clock. */
  #onClock(epochMs: number): number {
    return this.#clock() + (epochMs - this.#now());
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { locks, lockName, openChannel } = this.#options;
    if (!locks) {
      this.#done = this.#lead(new AbortController().signal);
      return;
    }
    // The lock is held until leading ends, `stop` is called or another tab takes it over, whichever comes
    // first. A page frozen in the back/forward cache with a pass in flight (its request never answered
    // while frozen) must not hold every other tab's replay behind it; a pass cut off this way is resent by
    // the next leader, and the server applies each action id once.
    this.#lease = new LeaderLease({
      ...this.#options.lease,
      name: lockName,
      locks,
      openChannel,
      lead: (lost) => {
        const previous = this.#term;
        this.#term = previous.catch(() => undefined).then(() => this.#lead(lost));
        return Promise.race([this.#term, new Promise<void>((resolve) => lost.addEventListener('abort', () => resolve(), { once: true }))]);
      },
    });
    this.#lease.start();
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
    this.#wake?.();
    await this.#lease?.stop();
    if (!this.#lease) await this.#done;
  }

  async #lead(lost: AbortSignal): Promise<void> {
    if (this.#stopped || lost.aborted) return;
    const { replayer, onResult, onLeadership } = this.#options;
    const wakeOnLoss = () => this.#wake?.();
    lost.addEventListener('abort', wakeOnLoss);
    onLeadership?.(true);
    // A new term: whatever the last leader left (a backoff, a held action's wake time) is found by a pass.
    this.#kicked = true;
    let backingOff = false;
    try {
      while (!this.#stopped && !lost.aborted) {
        if (this.#forced) {
          this.#forced = false;
          this.#nextAt = this.#onClock(replayer.resetBackoff());
          backingOff = this.#nextAt > this.#clock();
        }
        if (this.#kicked && !backingOff) this.#nextAt = this.#clock();
        this.#kicked = false;
        if (this.#nextAt !== undefined && this.#nextAt <= this.#clock()) {
          this.#nextAt = undefined;
          const result = await replayer.drain(lost);
          // Taken over meanwhile: what this pass did is the new leader's to tell.
          if (lost.aborted) break;
          onResult?.(result);
          backingOff = result.status === 'backing-off';
          if (result.status === 'held') this.#nextAt = this.#onClock(result.wakeAt);
          if (result.status === 'backing-off') this.#nextAt = this.#onClock(result.retryAt);
          continue;
        }
        await this.#sleep(this.#nextAt === undefined ? undefined : this.#nextAt - this.#clock());
      }
    } finally {
      lost.removeEventListener('abort', wakeOnLoss);
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
