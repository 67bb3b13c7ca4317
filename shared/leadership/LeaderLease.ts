/** How often a leader says it is alive, and how long the others wait without hearing it before taking over. */
export const leaseDefaults = { beatMs: 2_000, takeoverMs: 10_000 } as const;

export type LeaderLeaseOptions = {
  /** The Web Lock every context of this election asks for. */
  name: string;
  locks: LockManager;
  /** A channel to the other contexts (BroadcastChannel), for the leader's heartbeat; none: the lock alone decides. */
  openChannel?: (name: string) => BroadcastChannel | undefined;
  /** Runs for as long as this context leads; `lost` aborts when it stops leading (its lock taken over, or `stop`). */
  lead: (lost: AbortSignal) => Promise<void>;
  /** Whether this context leads now. */
  onLeadership?: (leading: boolean) => void;
  beatMs?: number;
  takeoverMs?: number;
  now?: () => number;
};

type Beat = { kind: 'lease-beat' };

/** The channel a lease's heartbeat goes over: its own, so no other listener of the election's channel sees it. */
function leaseChannelName(lockName: string): string {
  return `holdfast-lease:${lockName}`;
}

/**
 * Keeps saying "the leader is alive" on the lease's channel until the returned function is called: for a
 * context that holds the election's lock outside a LeaderLease (the service worker's Background Sync pass).
 */
export function beatWhileHolding(lockName: string, openChannel: LeaderLeaseOptions['openChannel'], beatMs: number = leaseDefaults.beatMs): () => void {
  const channel = openChannel?.(leaseChannelName(lockName));
  if (!channel) return () => {};
  const beat = () => {
    try {
      channel.postMessage({ kind: 'lease-beat' } satisfies Beat);
    } catch {
      // The channel closed under us (the context is going away): nobody left to tell.
    }
  };
  beat();
  const timer = setInterval(beat, beatMs);
  return () => {
    clearInterval(timer);
    channel.close();
  };
}

/**
 * One leader among a user's tabs (and their service worker), that the others replace when it stops
 * answering. Web Locks alone elect a leader and pass the lock on when its tab closes, but a tab whose
 * scripts stopped without closing — hung, stopped by the system, frozen with no `freeze` event — keeps its
 * lock, and every other tab would wait behind it for as long as it stays so: its outbox unsent, its live
 * updates gone, with nothing on screen to say why. Found by the chaos suite (leader-frozen).
 *
 * So the leader says it is alive on a channel every `beatMs`, and a tab that has heard nothing for
 * `takeoverMs` takes the lock over (Web Locks' `steal`). A leader whose lock was taken stops as soon as it
 * runs again (`lost`) and queues for the lock as any other tab. A context whose own timers ran late (a
 * background tab the browser throttles) does not judge anyone else late: two throttled background tabs would
 * otherwise take the lock from each other every minute.
 *
 * What the leader was doing when it froze may be done twice (a batch sent again by the next leader): the
 * work led this way must bear that — the outbox's server applies each action id once, and an event stream
 * resumes from the last event id relayed.
 */
export class LeaderLease {
  readonly #options: LeaderLeaseOptions;
  readonly #beatMs: number;
  readonly #takeoverMs: number;
  readonly #now: () => number;
  readonly #stop = new AbortController();
  #channel: BroadcastChannel | undefined;
  /** Aborts this context's place in the lock's queue, to ask again with `steal`. */
  #waiting: AbortController | undefined;
  #heardAt = 0;
  #checkedAt = 0;
  #watch: ReturnType<typeof setInterval> | undefined;
  #done: Promise<void> | undefined;

  constructor(options: LeaderLeaseOptions) {
    this.#options = options;
    this.#beatMs = options.beatMs ?? leaseDefaults.beatMs;
    this.#takeoverMs = options.takeoverMs ?? leaseDefaults.takeoverMs;
    // A clock nobody sets: a device's clock set back or forward must not make a leader look silent.
    this.#now = options.now ?? (() => performance.now());
  }

  start(): void {
    if (this.#done) return;
    this.#channel = this.#options.openChannel?.(leaseChannelName(this.#options.name));
    if (this.#channel) {
      this.#channel.onmessage = (message: MessageEvent<Beat>) => {
        if (message.data?.kind === 'lease-beat') this.#heardAt = this.#now();
      };
      this.#heardAt = this.#checkedAt = this.#now();
      this.#watch = setInterval(() => this.#check(), this.#beatMs);
    }
    this.#done = this.#run();
  }

  /** Stops leading (or waiting to) and lets go of the lock; resolves once the leader's work has ended. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#waiting?.abort();
    clearInterval(this.#watch);
    this.#channel?.close();
    this.#channel = undefined;
    await this.#done;
  }

  /**
   * Asks for the lock and leads while it holds it; asks again, as any other context, after its lock was
   * taken over; asks with `steal` when `#check` found the leader silent. Ends with `stop`, or when the work
   * led ends or fails on its own (as a plain lock's holder would).
   */
  async #run(): Promise<void> {
    let steal = false;
    while (!this.#stop.signal.aborted) {
      const waiting = new AbortController();
      this.#waiting = waiting;
      const lost = new AbortController();
      const onStop = () => lost.abort();
      this.#stop.signal.addEventListener('abort', onStop);
      let leading: Promise<void> | undefined;
      let led = false;
      // A steal may not be given a signal (the spec refuses the pair): it never waits anyway.
      const options: LockOptions = steal ? { steal: true } : { signal: waiting.signal };
      steal = false;
      let again = false;
      try {
        await this.#options.locks.request(this.#options.name, options, () => {
          leading = this.#hold(lost.signal).finally(() => (led = true));
          return leading;
        });
      } catch {
        // The lock taken over while this context led (the browser has already given it to another; this
        // context's work must stop), or this context's own request withdrawn to ask with `steal`.
        again = (leading !== undefined && !led) || (waiting.signal.reason as unknown) === takeOver;
        steal = (waiting.signal.reason as unknown) === takeOver;
        lost.abort();
      }
      await leading?.catch(() => undefined);
      this.#stop.signal.removeEventListener('abort', onStop);
      if (!again) return;
    }
  }

  async #hold(lost: AbortSignal): Promise<void> {
    this.#waiting = undefined;
    const stopBeating = beatWhileHolding(this.#options.name, this.#options.openChannel, this.#beatMs);
    this.#options.onLeadership?.(true);
    try {
      await this.#options.lead(lost);
    } finally {
      stopBeating();
      this.#options.onLeadership?.(false);
      this.#heardAt = this.#now();
    }
  }

  /** While waiting for the lock: has the leader gone quiet for longer than `takeoverMs`? Then take it over. */
  #check(): void {
    const now = this.#now();
    const late = now - this.#checkedAt > this.#beatMs * 3;
    this.#checkedAt = now;
    if (late) {
      // This context's own timers were held back (a throttled or frozen tab): it heard nothing because it
      // ran nothing, which says nothing of the leader. Judge from now on.
      this.#heardAt = now;
      return;
    }
    if (!this.#waiting || now - this.#heardAt <= this.#takeoverMs) return;
    this.#heardAt = now;
    this.#waiting.abort(takeOver);
  }
}

/** The reason a queued request is withdrawn to take the lock over. */
const takeOver = Symbol('take over');
