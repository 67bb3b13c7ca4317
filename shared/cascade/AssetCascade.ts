import { checkAsset, type ManifestEntry } from './checkAsset.js';
import type { AnswerReason } from './failureReason.js';
import { cascadeDefaults } from './cascadeDefaults.js';
import { fetchWithDeadlines, type Deadlines } from './fetchWithDeadlines.js';
import { tryHosts, type AttemptFailure, type HostTry } from './tryHosts.js';
import { clamp, deadlineFromP95, LatencyTracker } from './LatencyTracker.js';
import { HoldfastError, isHoldfastError } from '../core/HoldfastError.js';
import type { HostHealth } from './HostHealth.js';

export type CascadeEvent =
  | { type: 'served'; path: string; host: string; ms: number; failoverMs: number; passedOver: AttemptFailure[] }
  | { type: 'failed'; path: string; passedOver: AttemptFailure[] };

export type AssetCascadeOptions = {
  /** In order of preference; the origin last. */
  hosts: readonly string[];
  /** Build manifest: path → digest and content type. An asset not in it is checked for status and body only. */
  manifest: Readonly<Record<string, ManifestEntry>>;
  health: HostHealth;
  deadlines?: Partial<Deadlines>;
  /** Hedge delay before any host's p95 is known; default cascadeDefaults.hedgeDelayMs. `false`: no hedging. */
  hedgeDelayMs?: number | false;
  /** Deadlines of the last chance (every host failed); default 30 s to first byte, 60 s in all. */
  lastChanceDeadlines?: Deadlines;
  /** Good answers from a host before its p95 sets its hedge and deadline; default 5. */
  minLatencySamples?: number;
  fetcher?: typeof fetch;
  onEvent?: (event: CascadeEvent) => void;
};

/** The failure an 'attempt-failed' error carries. */
const failureOf = (error: HoldfastError) => error.details.failure as { reason: AnswerReason; message: string };
const attemptFailed = (failure: { reason: AnswerReason; message: string }) => new HoldfastError('attempt-failed', { failure, reason: failure.message });

/**
 * Fetches one static asset through the host cascade: each host in order, moving on at a network error, a
 * deadline, a 5xx, an empty body, a wrong content type or a digest that differs from the build's; a host
 * whose breaker is open is not tried at all. The request's mode and credentials are kept (CORS for
 * scripts and fonts). The origin is the last resort: tried even when its breaker is open.
 *
 * - Hedged: a host that has not answered within about its p95 (before one is known, 300 ms) gets the
 *   next host as company, and the first good answer wins (tryHosts). A blackholed primary costs each
 *   request in flight one hedge delay, not a deadline. The slower try runs on to its own deadline, so its
 *   breaker still learns of the failure.
 * - Deadlines follow the network: a host's first-byte deadline is 4× its recent p95, within
 *   [3 s, 12 s], so a slow network is not taken for a dead host.
 * - Never fails closed: when every host failed for want of patience (a breaker open, a deadline missed),
 *   each of those is tried once more, breaker or not, with a 30 s / 60 s deadline.
 */
export class AssetCascade {
  readonly #options: AssetCascadeOptions;
  readonly #deadlines: Deadlines;
  readonly #latency: LatencyTracker;
  /** When each try still waiting for its first byte started, by host. */
  readonly #waiting = new Map<string, Set<{ at: number }>>();

  constructor(options: AssetCascadeOptions) {
    this.#options = options;
    this.#latency = new LatencyTracker(20, options.minLatencySamples ?? 5);
    this.#deadlines = { firstByteMs: cascadeDefaults.firstByteMs, totalMs: cascadeDefaults.totalMs, ...options.deadlines };
  }

  /**
   * The host's first-byte deadline now: a multiple of its p95 within bounds — or, for a host with no
   * answers yet, of the other hosts' p95: when every host that answered is slow, the network is, and a
   * host not yet heard from is given the same patience.
   */
  deadlinesFor(host: string): Deadlines {
    const base = this.#deadlines;
    const firstByteMs = deadlineFromP95(this.#latency.p95(host) ?? this.#latency.p95(), base.firstByteMs, cascadeDefaults.deadlineP95Multiple);
    return { firstByteMs, totalMs: Math.max(base.totalMs, firstByteMs) };
  }

  /**
   * How long the first host gets before the next joins: its p95 once known; before that, the p95 of the
   * other hosts' answers (what a healthy answer takes on this network); before any answer, the default.
   * Within [minHedgeMs, the host's deadline]. A hedge fires only while the host answers nobody (shouldHedge).
   */
  hedgeDelayFor(host: string): number | undefined {
    const { hedgeDelayMs = cascadeDefaults.hedgeDelayMs } = this.#options;
    if (hedgeDelayMs === false) return undefined;
    const p95 = this.#latency.p95(host) ?? this.#latency.p95();
    return p95 === undefined ? hedgeDelayMs : clamp(p95, cascadeDefaults.minHedgeMs, this.deadlinesFor(host).firstByteMs);
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const { hosts, health, manifest, onEvent } = this.#options;
    const lastChanceDeadlines = this.#options.lastChanceDeadlines ?? {
      firstByteMs: cascadeDefaults.lastChanceFirstByteMs,
      totalMs: cascadeDefaults.lastChanceTotalMs,
    };
    const firstOpen = hosts.find((host) => health.state(host) === 'closed') ?? hosts[0]!;
    const outcome = await tryHosts(
      hosts,
      async (host, lastResort): Promise<HostTry<Response>> => {
        const attempt = () => this.#attempt(host, path, init, manifest[path], this.deadlinesFor(host));
        // A try to this host has waited longer than a hedge delay and the host has answered nobody since
        // it started: new requests go straight to the next host rather than each paying a hedge delay,
        // until the host answers (or its breaker, counting those tries' deadlines, opens).
        const silentMs = this.#silentMs(host);
        if (!lastResort && silentMs > (this.hedgeDelayFor(host) ?? Infinity)) {
          return { ok: false, reason: 'silent', message: `${host} has not answered a request in ${silentMs} ms.`, skipped: true };
        }
        try {
          return await health.tryHost(host, lastResort, attempt);
        } catch (error) {
          if (isHoldfastError(error, 'attempt-failed')) return { ok: false, ...failureOf(error) };
          throw error;
        }
      },
      {
        hedgeDelayMs: this.hedgeDelayFor(firstOpen),
        shouldHedge: (host, since) => !this.#latency.answeredSince(host, since),
        lastChance: async (host) => {
          try {
            return { ok: true, value: await this.#attempt(host, path, init, manifest[path], lastChanceDeadlines) };
          } catch (error) {
            if (isHoldfastError(error, 'attempt-failed')) return { ok: false, ...failureOf(error), reason: `last-chance-${failureOf(error).reason}` };
            throw error;
          }
        },
      },
    );
    if (outcome.ok) {
      onEvent?.({ type: 'served', path, host: outcome.host, ms: outcome.ms, failoverMs: outcome.failoverMs, passedOver: outcome.passedOver });
      return outcome.value;
    }
    onEvent?.({ type: 'failed', path, passedOver: outcome.passedOver });
    throw new HoldfastError('no-host-could-serve', {
      path,
      passedOver: outcome.passedOver,
      reason: `${path}: ${outcome.passedOver.map((failure) => `${failure.host} (${failure.reason})`).join(', ')}`,
    });
  }

  /** How long the oldest try still waiting on `host` has waited with the host answering nobody; 0 if none. */
  #silentMs(host: string): number {
    const oldest = Math.min(...[...(this.#waiting.get(host) ?? [])].map((entry) => entry.at));
    return Number.isFinite(oldest) && !this.#latency.answeredSince(host, oldest) ? Date.now() - oldest : 0;
  }

  async #attempt(host: string, path: string, init: RequestInit, expected: ManifestEntry | undefined, deadlines: Deadlines): Promise<Response> {
    let waiting = this.#waiting.get(host);
    if (!waiting) {
      waiting = new Set();
      this.#waiting.set(host, waiting);
    }
    const entry = { at: Date.now() };
    waiting.add(entry);
    const result = await fetchWithDeadlines(new URL(path, host).href, init, deadlines, this.#options.fetcher).finally(() => waiting.delete(entry));
    if (!result.ok) throw attemptFailed({ reason: result.reason, message: result.message });
    this.#latency.record(host, result.headersMs);
    const verdict = await checkAsset(result, expected);
    if (!verdict.ok) throw attemptFailed({ reason: verdict.reason, message: verdict.message });
    return new Response(result.body, { status: result.response.status, statusText: result.response.statusText, headers: result.response.headers });
  }
}
