import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy, type IDisposable } from 'cockatiel';
import { isHoldfastError } from '../core/HoldfastError.js';

export type SheddableCallsOptions = {
  /** A call not answered within this is abandoned and counts as a failure; default 1.5 s. */
  timeoutMs?: number;
  /** Consecutive failures that open the breaker; default 3. */
  failuresToOpen?: number;
  /** How long an open breaker refuses before one probe goes through; default 30 s. */
  halfOpenAfterMs?: number;
  /** The breaker opened, closed, or was held open by a Retry-After. */
  onStateChange?: (state: SheddableState) => void;
  now?: () => number;
};

export type SheddableState = 'closed' | 'open' | 'half-open' | 'held';

/**
 * The client's side of "sacrifice the few": calls to features an agent can do without (presence, typing,
 * telemetry) get a short deadline and a circuit breaker (cockatiel's, as the asset cascade's hosts), so a
 * sick server costs the agent nothing: no request piles up behind a slow one, and after a few failures
 * none is sent at all until a probe finds the server well again. A 429 or 503 with Retry-After holds the
 * breaker open for that long: the server said when to come back.
 *
 * `run` never throws: it answers the call's result, or undefined when the call failed, timed out or was
 * not made. A sheddable feature shows nothing rather than an error.
 */
export class SheddableCalls {
  readonly #options: Required<Omit<SheddableCallsOptions, 'onStateChange'>> & Pick<SheddableCallsOptions, 'onStateChange'>;
  readonly #breaker: CircuitBreakerPolicy;
  #held: { until: number; handle: IDisposable; timer: ReturnType<typeof setTimeout> } | undefined;
  #state: SheddableState = 'closed';

  constructor(options: SheddableCallsOptions = {}) {
    this.#options = {
      timeoutMs: options.timeoutMs ?? 1500,
      failuresToOpen: options.failuresToOpen ?? 3,
      halfOpenAfterMs: options.halfOpenAfterMs ?? 30_000,
      onStateChange: options.onStateChange,
      now: options.now ?? Date.now,
    };
    this.#breaker = circuitBreaker(handleAll, { halfOpenAfter: this.#options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(this.#options.failuresToOpen) });
    this.#breaker.onStateChange((state) => {
      if (this.#held) return;
      this.#setState(state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open');
    });
  }

  get state(): SheddableState {
    return this.#state;
  }

  /** `call` gets a signal that aborts at the deadline; its Response must be 2xx, or it counts as a failure. */
  async run<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    try {
      return await this.#breaker.execute(async () => {
        const signal = AbortSignal.timeout(this.#options.timeoutMs);
        try {
          // The deadline holds even for a call that ignores its signal.
          const deadline = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
          return await Promise.race([call(signal), deadline]);
        } catch (error) {
          if (isHoldfastError(error, 'sheddable-refused') && typeof error.details.retryAfterMs === 'number') this.#hold(error.details.retryAfterMs);
          throw error;
        }
      });
    } catch (error) {
      if (
        !(error instanceof BrokenCircuitError) &&
        !isHoldfastError(error, 'sheddable-refused') &&
        !(error instanceof DOMException) &&
        !(error instanceof TypeError)
      ) {
        // A bug in the caller, not a sick server: still nothing for the agent to see, but not silent.
        console.warn('sheddable call failed', error);
      }
      return undefined;
    }
  }

  #hold(ms: number): void {
    const until = this.#options.now() + ms;
    if (this.#held && this.#held.until >= until) return;
    if (this.#held) {
      clearTimeout(this.#held.timer);
      this.#held.handle.dispose();
    }
    const handle = this.#breaker.isolate();
    const timer = setTimeout(() => {
      this.#held = undefined;
      handle.dispose();
      this.#setState(this.#breaker.state === CircuitState.Closed ? 'closed' : this.#breaker.state === CircuitState.HalfOpen ? 'half-open' : 'open');
    }, ms);
    this.#held = { until, handle, timer };
    this.#setState('held');
  }

  #setState(state: SheddableState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onStateChange?.(state);
  }
}
