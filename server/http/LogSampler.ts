/**
 * At most `perMinute` log lines a minute for one noisy source (public endpoints a client can call as often
 * as its rate limit allows): the first ones of each minute are logged, the rest counted, and the count is
 * handed to the first line of the next minute so the log still says how many there were.
 */
export type LogSamplerOptions = { perMinute: number; now?: () => number };

export class LogSampler {
  readonly #perMinute: number;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #logged = 0;
  #suppressed = 0;

  constructor({ perMinute, now = Date.now }: LogSamplerOptions) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  /** Whether to log this one, and how many went unlogged in the minute before (said once, then reset). */
  take(): { log: boolean; suppressedBefore: number } {
    const now = this.#now();
    let suppressedBefore = 0;
    if (now - this.#windowStart >= 60_000) {
      suppressedBefore = this.#suppressed;
      this.#windowStart = now;
      this.#logged = 0;
      this.#suppressed = 0;
    }
    if (this.#logged < this.#perMinute) {
      this.#logged++;
      return { log: true, suppressedBefore };
    }
    this.#suppressed++;
    return { log: false, suppressedBefore };
  }
}
