import { fullJitterDelay } from '../policy/backoff.js';

/**
 * Whether the server can be reached — which `navigator.onLine` cannot tell (Wi-Fi without internet, a
 * stopped server, a dead proxy). The platform is injected, so tests drive it with fake timers.
 *
 * - `offline`: the browser says it has no network; no probes until it says otherwise.
 * - `unreachable`: a request or probe failed; probes follow with exponential backoff and full jitter,
 *   capped, so a dead server is never polled in a hot loop.
 * - `slow`: a request missed its deadline, but the server answers a probe: it is there, only slow. One
 *   slow read does not make the app say the server is gone. The next request that is answered in time
 *   makes it `online` again; a probe that fails makes it `unreachable`.
 * - `online`: the last request or probe got an answer.
 */
export type Reachability = 'online' | 'offline' | 'unreachable' | 'slow';

export type ReachabilityPlatform = {
  /** True when the server answered (any HTTP status counts: it is there). */
  probe: (signal: AbortSignal) => Promise<boolean>;
  isBrowserOnline: () => boolean;
  /** Calls back on the browser's online/offline events; returns an unsubscribe function. */
  onBrowserConnectivityChange: (listener: () => void) => () => void;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  random: () => number;
};

export type ReachabilityOptions = {
  initialProbeDelayMs?: number;
  maxProbeDelayMs?: number;
  probeTimeoutMs?: number;
};

export class ReachabilityMonitor {
  readonly #platform: ReachabilityPlatform;
  readonly #options: Required<ReachabilityOptions>;
  readonly #listeners = new Set<(state: Reachability) => void>();
  #state: Reachability;
  #failures = 0;
  #timer: unknown;
  #unsubscribe: (() => void) | undefined;

  constructor(platform: ReachabilityPlatform, options: ReachabilityOptions = {}) {
    this.#platform = platform;
    this.#options = { initialProbeDelayMs: 1000, maxProbeDelayMs: 30_000, probeTimeoutMs: 3000, ...options };
    this.#state = platform.isBrowserOnline() ? 'online' : 'offline';
  }

  get state(): Reachability {
    return this.#state;
  }

  subscribe(listener: (state: Reachability) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    this.#unsubscribe = this.#platform.onBrowserConnectivityChange(() => {
      if (!this.#platform.isBrowserOnline()) {
        this.#cancelProbe();
        this.#set('offline');
      } else {
        this.#failures = 0;
        void this.probeNow();
      }
    });
    if (this.#state !== 'offline') void this.probeNow();
  }

  stop(): void {
    this.#cancelProbe();
    this.#unsubscribe?.();
  }

  /** A real request got an answer: no need to probe. */
  reportSuccess(): void {
    this.#failures = 0;
    this.#cancelProbe();
    this.#set('online');
  }

  /** A real request failed at the network level (or timed out): probe with backoff until it answers. */
  reportFailure(): void {
    if (!this.#platform.isBrowserOnline()) {
      this.#set('offline');
      return;
    }
    this.#set('unreachable');
    if (this.#timer === undefined) this.#scheduleProbe();
  }

  /**
   * A real request missed its deadline (no network error): a probe tells a slow server (`slow`) from one
   * that is gone (`unreachable`). Already unreachable or offline: nothing changes.
   */
  async reportSlow(): Promise<Reachability> {
    if (!this.#platform.isBrowserOnline()) {
      this.#set('offline');
      return this.#state;
    }
    if (this.#state === 'unreachable') return this.#state;
    const answered = await this.#platform.probe(AbortSignal.timeout(this.#options.probeTimeoutMs)).catch(() => false);
    if (answered) this.#set('slow');
    else this.reportFailure();
    return this.#state;
  }

  async probeNow(): Promise<Reachability> {
    this.#cancelProbe();
    if (!this.#platform.isBrowserOnline()) {
      this.#set('offline');
      return this.#state;
    }
    const answered = await this.#platform.probe(AbortSignal.timeout(this.#options.probeTimeoutMs)).catch(() => false);
    if (answered) this.reportSuccess();
    else {
      this.#failures++;
      this.reportFailure();
    }
    return this.#state;
  }

  /** The delay before the next probe: full jitter over an exponentially growing, capped ceiling. */
  nextProbeDelayMs(): number {
    const { initialProbeDelayMs, maxProbeDelayMs } = this.#options;
    return fullJitterDelay(this.#failures - 1, { initialDelayMs: initialProbeDelayMs, maxDelayMs: maxProbeDelayMs }, this.#platform.random);
  }

  #scheduleProbe(): void {
    this.#timer = this.#platform.setTimeout(() => {
      this.#timer = undefined;
      void this.probeNow();
    }, this.nextProbeDelayMs());
  }

  #cancelProbe(): void {
    if (this.#timer !== undefined) this.#platform.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #set(state: Reachability): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
