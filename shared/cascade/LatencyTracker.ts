/**
 * Each host's recent time to first byte (the last `size` good answers), for deadlines and hedging that
 * follow the network: a deadline a multiple of the host's p95 within bounds, so a slow network is not
 * taken for a dead host; a hedge after about the p95 of healthy answers. And when each host last answered,
 * which tells a busy host (answering others while this request waits) from a silent one.
 */
export class LatencyTracker {
  readonly #samples = new Map<string, number[]>();
  readonly #lastAnswerAt = new Map<string, number>();
  /**
   * `size`: answers kept per host. `minSamples`: a p95 of fewer answers is no p95 (the first answers of a
   * visit include connection set-up, and one lucky answer would make every later one look slow).
   */
  constructor(
    readonly size = 20,
    readonly minSamples = 5,
    readonly now: () => number = Date.now,
  ) {}

  record(host: string, ms: number): void {
    let samples = this.#samples.get(host);
    if (!samples) {
      samples = [];
      this.#samples.set(host, samples);
    }
    samples.push(ms);
    if (samples.length > this.size) samples.shift();
    this.#lastAnswerAt.set(host, this.now());
  }

  /** The host's p95 (all hosts': `undefined`), or undefined before `minSamples` good answers. */
  p95(host?: string): number | undefined {
    const samples = host === undefined ? [...this.#samples.values()].flat() : this.#samples.get(host);
    if (!samples || samples.length < this.minSamples) return undefined;
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  }

  /** Whether `host` answered any request at or after `since`. */
  answeredSince(host: string, since: number): boolean {
    return (this.#lastAnswerAt.get(host) ?? -Infinity) >= since;
  }
}

/** `value` within [min, max]. */
export const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * A deadline that follows the network: `deadlineP95Multiple` × `p95` within [`baseMs`, 4 × `baseMs`];
 * `baseMs` while no p95 is known. One rule for the asset cascade's first byte and the API's reads.
 */
export const deadlineFromP95 = (p95: number | undefined, baseMs: number, multiple: number): number =>
  p95 === undefined ? baseMs : clamp(multiple * p95, baseMs, 4 * baseMs);
