import { HostHealth, type HostState } from '../cascade/HostHealth.js';
import { cascadeDefaults } from '../cascade/cascadeDefaults.js';
import { tryHosts, type HostTry } from '../cascade/tryHosts.js';
import type { Fetcher } from './jsonApi.js';
import { credentialsFor, noRegionAnswered, regionDownStatuses } from './firstAnswering.js';
import { deadlineFromP95, LatencyTracker } from '../cascade/LatencyTracker.js';

export type ApiOriginsOptions = {
  /**
   * The API's origins, preferred first (e.g. one per region): `''` is the page's own origin. One origin
   * (the default) is plain same-origin fetching through the same breaker.
   */
  origins?: readonly string[];
  /** Consecutive failures that take a region out of rotation; default 3 (the CDN cascade's). */
  failuresToOpen?: number;
  /** Cool-down before a region out of rotation is probed again; default 5 s, doubling to 60 s, jittered. */
  coolDown?: { initialMs: number; maxMs: number };
  /** The probe that brings a region back: GET this path, 2xx; default `/readyz`. */
  probePath?: string;
  /**
   * Hedge idempotent reads (GET): a region silent for this long gets the next one as company, and the first
   * answer wins; default 300 ms (cascadeDefaults.hedgeDelayMs). `false`: one region at a time.
   */
  hedgeDelayMs?: number | false;
  fetch?: Fetcher;
  /** The preferred-available region changed: `to` serves from now on (telemetry: a failover, or a return). */
  onSwitch?: (from: string, to: string) => void;
  random?: () => number;
};

class RegionFailure extends Error {
  constructor(readonly response: Response) {
    super(`answered ${response.status}`);
  }
}

/** The caller gave up on a request its region was busy with: handed out of the breaker, not thrown in it. */
class CallerGaveUp {
  constructor(readonly error: unknown) {}
}

/**
 * API failover across regions in the client: every API request — reads, the outbox's batches, the event
 * stream's reconnects (through `url`) — goes to the most preferred region that is in rotation, on the
 * CDN cascade's own loop and breakers (tryHosts, HostHealth: one implementation).
 *
 * - A region fails a request by not answering (network error; the caller's deadline while the region
 *   answered nobody else — a region busy answering others is slow, not dead) or answering 502/503/504. The
 *   request moves on to the next region at once — safe for writes too: every action has an id the server
 *   applies at most once — and after `failuresToOpen` in a row the region leaves rotation.
 * - It swaps once per failure burst: while a region is out, requests skip it at no cost, and nothing but
 *   its breaker's cool-down brings it back. Then one background `GET /readyz` probes it; a good answer
 *   returns requests to it (a return to the preferred region), a bad one doubles the cool-down.
 * - Never fails closed: the last region is tried even when its breaker is open.
 * - Idempotent reads are hedged (see `hedgeDelayMs`).
 * - Cross-origin regions are asked with credentials, so the session cookie (scoped to the regions' common
 *   domain) goes along; each region's server must allow the app's origin (CORS).
 */
export class ApiOrigins {
  readonly origins: readonly string[];
  readonly #health: HostHealth;
  readonly #fetch: Fetcher;
  readonly #options: ApiOriginsOptions;
  readonly #listeners = new Set<(from: string, to: string) => void>();
  /** Each region's recent time to an answer (any status), and when it last answered: busy is told from silent by it. */
  readonly #latency = new LatencyTracker();
  #current: string;

  constructor(options: ApiOriginsOptions = {}) {
    this.#options = options;
    this.origins = options.origins && options.origins.length > 0 ? [...options.origins] : [''];
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    const probePath = options.probePath ?? '/readyz';
    this.#health = new HostHealth({
      hosts: this.origins,
      failuresToOpen: options.failuresToOpen,
      coolDown: options.coolDown ?? { initialMs: 5000, maxMs: 60_000 },
      random: options.random,
      probe: async (origin) => {
        const response = await this.#fetch(origin + probePath, {
          cache: 'no-store',
          credentials: credentialsFor(origin),
          signal: AbortSignal.timeout(this.deadlineMs(cascadeDefaults.firstByteMs)),
        });
        if (!response.ok) throw new Error(`${origin}${probePath} answered ${response.status}`);
      },
      onTransition: () => this.#noticeSwitch(),
    });
    this.#current = this.origins[0]!;
  }

  /** The region requests go to now: the most preferred one in rotation (the last one when none is). */
  get current(): string {
    return this.origins.find((origin) => this.#health.state(origin) === 'closed') ?? this.origins.at(-1)!;
  }

  /** Each region's breaker: closed (in rotation), open (out), half-open (its probe is out). */
  states(): Record<string, HostState> {
    return Object.fromEntries(this.origins.map((origin) => [origin, this.#health.state(origin)]));
  }

  /**
   * A deadline for a request to the current region that follows the network: `deadlineP95Multiple` (4) ×
   * its recent p95, within [`baseMs`, 4 × `baseMs`]; `baseMs` until it has answered a few times. A slow
   * network is not taken for a dead region (and, with the busy rule above, does not fail a region over).
   */
  deadlineMs(baseMs: number): number {
    return deadlineFromP95(this.#latency.p95(this.current), baseMs, cascadeDefaults.deadlineP95Multiple);
  }

  /** The region in rotation as a store (subscribe / getSnapshot), the shape every framework observable has: for a view. */
  readonly regionStore = {
    subscribe: (listener: () => void): (() => void) => this.subscribe(() => listener()),
    getSnapshot: (): string => this.current,
  };

  /** Hears every swap of the region in rotation (a failover, or a return); answers how to stop. */
  subscribe(listener: (from: string, to: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `path` on the current region: for the event stream, which asks again at each reconnect. (Bound: passed around as a function.) */
  readonly url = (path: string): string => this.current + path;

  /**
   * `fetch` for API paths (`/api/…`): the answer of the first region that answered, 502–504 included when
   * it came from the last one. Rejects as fetch does when no region answered, or when `init.signal` aborts.
   */
  readonly fetch = async (path: string, init: RequestInit = {}): Promise<Response> => {
    init.signal?.throwIfAborted();
    const method = (init.method ?? 'GET').toUpperCase();
    const { hedgeDelayMs = cascadeDefaults.hedgeDelayMs } = this.#options;
    const hedge = (method === 'GET' || method === 'HEAD') && hedgeDelayMs !== false && this.origins.length > 1 ? hedgeDelayMs : undefined;
    let lastAnswer: Response | undefined;
    const outcome = await tryHosts(
      this.origins,
      async (origin, lastResort): Promise<HostTry<Response>> => {
        const attempt = async (): Promise<Response | CallerGaveUp> => {
          const started = Date.now();
          try {
            const response = await this.#fetch(origin + path, { ...init, credentials: credentialsFor(origin) });
            this.#latency.record(origin, Date.now() - started);
            if (regionDownStatuses.has(response.status)) throw new RegionFailure(response);
            return response;
          } catch (error) {
            // The caller's deadline ran out (or it moved on). A region that answered others meanwhile is
            // slow, not dead: that costs it nothing. A silent one is charged, or a blackholed region (it
            // accepts and never answers) would never leave rotation.
            if (init.signal?.aborted && this.#latency.answeredSince(origin, started)) return new CallerGaveUp(error);
            throw error;
          }
        };
        try {
          const tried = await this.#health.tryHost(origin, lastResort, attempt);
          if (tried.ok && tried.value instanceof CallerGaveUp) throw tried.value.error;
          return tried as HostTry<Response>;
        } catch (error) {
          if (init.signal?.aborted) throw error;
          if (error instanceof RegionFailure) {
            if (lastResort) lastAnswer = error.response;
            else void error.response.body?.cancel();
            return { ok: false, reason: `status-${error.response.status}`, message: error.message };
          }
          return { ok: false, reason: 'network', message: (error as Error).message };
        }
      },
      { hedgeDelayMs: hedge },
    );
    this.#noticeSwitch();
    if (outcome.ok) return outcome.value;
    if (lastAnswer) return lastAnswer;
    throw noRegionAnswered(outcome.passedOver);
  };

  #noticeSwitch(): void {
    const now = this.current;
    if (now === this.#current) return;
    const from = this.#current;
    this.#current = now;
    this.#options.onSwitch?.(from, now);
    for (const listener of this.#listeners) listener(from, now);
  }
}
