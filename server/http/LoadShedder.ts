import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/Database.js';
import { ApiError } from './ApiError.js';
import { criticalityOf, type Criticality } from './criticality.js';

export type LoadShedderOptions = {
  /** Mean event-loop delay over a sample above which the process is under pressure; default 60 ms. */
  maxEventLoopDelayMs?: number;
  /** Event-loop utilization over a sample (0–1) above which it is under pressure; default 0.9. */
  maxEventLoopUtilization?: number;
  /**
   * Once under pressure, it stays so this long after the last sign of it; default 1 s. Refusing is cheap,
   * so the very next sample looks healthy: without a hold, shedding would flap on and off every sample
   * and let a burst of sheddable work through each time.
   */
  holdMs?: number;
  /** Requests being answered at once (event streams aside) above which it is under pressure; default 48. */
  maxInFlight?: number;
  /** Queries waiting for a database connection above which it is under pressure; default 4. */
  maxDatabaseWaiting?: number;
  /** How often the event-loop delay is sampled; default 100 ms. */
  sampleIntervalMs?: number;
  /** Base of the jittered Retry-After of a shed request (base to 2× base seconds); default 2. */
  retryAfterSeconds?: number;
  /** false: measure, never refuse (the overload benchmark's baseline). Default true. */
  enabled?: boolean;
  /** Forced on, for tests and drills: every sheddable request is refused. */
  forcePressure?: () => boolean;
};

export type PressureReason = 'event-loop-delay' | 'event-loop-utilization' | 'in-flight' | 'database-wait' | 'forced';
export type ShedRecord = { route: string; reason: PressureReason };

/**
 * Sacrifices the few: under pressure, sheddable requests (presence, typing, telemetry — see
 * criticality.ts) are refused with 429 and a jittered Retry-After before anything else runs for them (no
 * authentication, no database), and critical ones (actions, sign-in, reads) keep going.
 *
 * What it adds to @fastify/under-pressure, which measures the event loop (its delay and utilization,
 * sampled here every 100 ms) but answers every route alike with a 503:
 * - a decision per route, by its criticality: critical requests are never refused for load;
 * - two pressure signals it lacks: requests in flight, and queries waiting for a database connection
 *   (the pool's queue; a slow database shows there long before it shows in the event loop);
 * - no refusal at start-up (under-pressure#212): a sample with no data (NaN, which under-pressure turns
 *   into an infinite delay) is no evidence of load, and neither are the samples that measure the
 *   start-up's own work (migrations, the first queries): event-loop signals count from two samples after
 *   the server is ready;
 * - a hold (`holdMs`): shedding stays on for a second after the last sign of pressure, so it does not
 *   flap every sample;
 * - a 429 that says "come back later", not a 503 that a load balancer would read as "this node is down".
 * under-pressure is registered with no thresholds, so it never answers anything itself.
 */
/** When sheddable requests are refused: the thresholds of pressure, and how long it is held once seen. */
export const loadShedderDefaults = {
  maxEventLoopDelayMs: 60,
  maxEventLoopUtilization: 0.9,
  holdMs: 1000,
  maxInFlight: 48,
  maxDatabaseWaiting: 4,
  sampleIntervalMs: 100,
  retryAfterSeconds: 2,
} as const;

export class LoadShedder {
  readonly #options: Required<Omit<LoadShedderOptions, 'forcePressure'>> & Pick<LoadShedderOptions, 'forcePressure'>;
  readonly #db: Database;
  #inFlight = 0;
  #app: FastifyInstance | undefined;
  #held: { reason: PressureReason; until: number } | undefined;
  /** Event-loop samples before this count for nothing: they measure the start-up's own work, not load. */
  #loopSignalsFrom = Infinity;
  readonly #onShed: (record: ShedRecord) => void;

  constructor(db: Database, options: LoadShedderOptions = {}, onShed: (record: ShedRecord) => void = () => {}) {
    this.#db = db;
    this.#onShed = onShed;
    // `undefined` keeps a default, whatever the spread of an unset setting left there.
    this.#options = {
      maxEventLoopDelayMs: options.maxEventLoopDelayMs ?? loadShedderDefaults.maxEventLoopDelayMs,
      maxEventLoopUtilization: options.maxEventLoopUtilization ?? loadShedderDefaults.maxEventLoopUtilization,
      holdMs: options.holdMs ?? loadShedderDefaults.holdMs,
      maxInFlight: options.maxInFlight ?? loadShedderDefaults.maxInFlight,
      maxDatabaseWaiting: options.maxDatabaseWaiting ?? loadShedderDefaults.maxDatabaseWaiting,
      sampleIntervalMs: options.sampleIntervalMs ?? loadShedderDefaults.sampleIntervalMs,
      retryAfterSeconds: options.retryAfterSeconds ?? loadShedderDefaults.retryAfterSeconds,
      forcePressure: options.forcePressure,
      enabled: options.enabled ?? true,
    };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The mean event-loop delay of the last sample, in ms; 0 until there is one. */
  get eventLoopDelayMs(): number {
    const delay = this.#app?.memoryUsage().eventLoopDelay ?? 0;
    return Number.isFinite(delay) ? delay : 0;
  }

  /** The event loop's utilization over the last sample (0–1). */
  get eventLoopUtilization(): number {
    const utilization = this.#app?.memoryUsage().eventLoopUtilized ?? 0;
    return Number.isFinite(utilization) ? utilization : 0;
  }

  /** Why the process is under pressure now (or was, within `holdMs`), or null when it is not. */
  pressure(now = performance.now()): PressureReason | null {
    const reason = this.#signal();
    if (reason) {
      this.#held = { reason, until: now + this.#options.holdMs };
      return reason;
    }
    if (this.#held && this.#held.until > now) return this.#held.reason;
    this.#held = undefined;
    return null;
  }

  #signal(): PressureReason | null {
    if (this.#options.forcePressure?.()) return 'forced';
    if (this.#db.pool().waiting > this.#options.maxDatabaseWaiting) return 'database-wait';
    if (this.#inFlight > this.#options.maxInFlight) return 'in-flight';
    if (performance.now() < this.#loopSignalsFrom) return null;
    if (this.eventLoopDelayMs > this.#options.maxEventLoopDelayMs) return 'event-loop-delay';
    if (this.eventLoopUtilization > this.#options.maxEventLoopUtilization) return 'event-loop-utilization';
    return null;
  }

  /** Registers the measurement and the hooks on the root instance, before any route's own hooks. */
  async register(app: FastifyInstance): Promise<void> {
    this.#app = app;
    // 'interval': utilization over the last sample alone, not since start-up.
    await app.register(fastifyUnderPressure, { sampleInterval: this.#options.sampleIntervalMs, eventLoopUtilizationMode: 'interval' });
    app.addHook('onReady', async () => {
      this.#loopSignalsFrom = performance.now() + 2 * this.#options.sampleIntervalMs;
    });
    app.addHook('onRequest', async (request, reply) => {
      const criticality: Criticality = criticalityOf(request);
      if (criticality === 'stream') return;
      const reason = criticality === 'sheddable' && this.#options.enabled ? this.pressure() : null;
      if (reason) {
        const base = this.#options.retryAfterSeconds;
        this.#onShed({ route: request.routeOptions.url ?? 'unmatched', reason });
        return reply
          .code(429)
          .header('retry-after', String(base + Math.floor(Math.random() * (base + 1))))
          .send(new ApiError('overloaded', { reason }).toBody());
      }
      this.#inFlight++;
      // A response's 'close' comes once, when it is finished or its connection is gone.
      reply.raw.once('close', () => this.#inFlight--);
    });
  }
}
