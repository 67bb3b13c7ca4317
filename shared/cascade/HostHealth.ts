import { HoldfastError, isHoldfastError } from '../core/HoldfastError.js';
import type { HostTry } from './tryHosts.js';
import { cascadeDefaults } from './cascadeDefaults.js';
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy, type IBackoff } from 'cockatiel';
import { fullJitterDelay } from '../policy/backoff.js';

export type HostState = 'closed' | 'open' | 'half-open';

export type HostHealthOptions = {
  hosts: readonly string[];
  /** Consecutive failures that open a host's breaker; default 3. */
  failuresToOpen?: number;
  /**
   * Cool-down before a probe: doubling from `initialMs` up to `maxMs`, with full jitter (the project's one
   * backoff policy, never below a quarter of `initialMs`), so clients do not return to a host all at once.
   */
  coolDown?: { initialMs: number; maxMs: number };
  random?: () => number;
  /** Saved breaker states, by host (from IndexedDB), so a restarted service worker remembers. */
  saved?: Readonly<Record<string, unknown>>;
  save?: (host: string, state: unknown) => void;
  onTransition?: (host: string, from: HostState, to: HostState) => void;
  /**
   * What the background probe of a half-open host does; default: the request that ended the cool-down.
   * An API client probes with a cheap `GET /readyz` instead of resending someone's write.
   */
  probe?: (host: string) => Promise<unknown>;
};

/**
 * Cockatiel's backoff interface over our full-jitter policy. (Its own decorrelated jitter can draw a
 * cool-down near zero, sending a probe straight after the breaker opened.)
 */
function coolDownAfter(attempt: number, options: Parameters<typeof fullJitterDelay>[1], random?: () => number): IBackoff<unknown> {
  return {
    duration: fullJitterDelay(attempt, options, random),
    next: () => coolDownAfter(attempt + 1, options, random),
  };
}

/** Thrown when a host is not to be tried now: its breaker is open, or its one probe is under way. */
export function hostSkipped(host: string, state: HostState): HoldfastError {
  return new HoldfastError('host-skipped', { host, state, reason: `${host} is ${state === 'open' ? 'marked down' : 'being probed'}.` });
}

const names: Record<number, HostState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * One circuit breaker per host (cockatiel's, whose state serialises): closed → open after consecutive
 * failures → after a jittered cool-down, half-open, where one probe tests the host. Cockatiel makes the
 * callers of a half-open breaker wait for the probe's verdict, and lets the request that ends the
 * cool-down be the probe; a page waiting on a blackholed CDN is what this exists to prevent. So here the
 * probe runs in the background — the request that started it goes on to the next host at once, like
 * every other request while the probe is out — and a dead host costs its deadline to no one.
 */
export class HostHealth {
  readonly #breakers = new Map<string, CircuitBreakerPolicy>();
  readonly #probe: HostHealthOptions['probe'];

  constructor(options: HostHealthOptions) {
    this.#probe = options.probe;
    const { failuresToOpen = 3, coolDown = { initialMs: cascadeDefaults.coolDownMs, maxMs: cascadeDefaults.maxCoolDownMs } } = options;
    for (const host of options.hosts) {
      const breaker = circuitBreaker(handleAll, {
        halfOpenAfter: { next: () => coolDownAfter(0, { initialDelayMs: coolDown.initialMs, maxDelayMs: coolDown.maxMs }, options.random) },
        breaker: new ConsecutiveBreaker(failuresToOpen),
        initialState: options.saved?.[host],
      });
      let current = names[breaker.state]!;
      breaker.onStateChange((state) => {
        const next = names[state]!;
        if (next !== current) options.onTransition?.(host, current, next);
        current = next;
        options.save?.(host, breaker.toJSON());
      });
      breaker.onFailure(() => options.save?.(host, breaker.toJSON()));
      this.#breakers.set(host, breaker);
    }
  }

  state(host: string): HostState {
    return names[this.#breaker(host).state]!;
  }

  /** Runs `attempt` against `host` under its breaker; a thrown error counts as the host's failure. */
  async run<T>(host: string, attempt: () => Promise<T>): Promise<T> {
    const breaker = this.#breaker(host);
    if (breaker.state === CircuitState.HalfOpen) throw hostSkipped(host, 'half-open');
    if (breaker.state === CircuitState.Open) {
      // Past the cool-down, cockatiel turns half-open synchronously inside execute() and runs the probe.
      const probe = this.#probe;
      breaker.execute(probe ? () => probe(host) : attempt).catch(() => undefined);
      const now = breaker.state as CircuitState;
      throw hostSkipped(host, now === CircuitState.HalfOpen ? 'half-open' : 'open');
    }
    try {
      return await breaker.execute(attempt);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw hostSkipped(host, 'open');
      throw error;
    }
  }

  /**
   * `run` as the cascade's loop needs it (tryHosts): the last resort is tried whatever its breaker says,
   * and a host not tried now is a failure that cost nothing (`skipped`). Any other error is thrown.
   */
  async tryHost<T>(host: string, lastResort: boolean, attempt: () => Promise<T>): Promise<HostTry<T>> {
    try {
      return { ok: true, value: await (lastResort && this.state(host) !== 'closed' ? attempt() : this.run(host, attempt)) };
    } catch (error) {
      if (isHoldfastError(error, 'host-skipped'))
        return { ok: false, reason: error.details.state === 'open' ? 'breaker-open' : 'breaker-half-open', message: error.message, skipped: true };
      throw error;
    }
  }

  #breaker(host: string): CircuitBreakerPolicy {
    const breaker = this.#breakers.get(host);
    if (!breaker) throw new HoldfastError('unknown-host', { host, reason: host });
    return breaker;
  }
}
