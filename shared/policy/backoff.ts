/**
 * Exponential backoff with full jitter: the delay is uniform in [floor, min(max, initial · 2^attempt)].
 * Jitter spreads many clients returning to a recovered server over the whole window instead of one
 * instant; the floor keeps an unlucky draw near zero from becoming a hot retry loop.
 */
export type BackoffOptions = {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Least delay; default a quarter of `initialDelayMs`. */
  minDelayMs?: number;
};

export function fullJitterDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const { initialDelayMs, maxDelayMs, minDelayMs = initialDelayMs / 4 } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt));
  return Math.max(minDelayMs, random() * ceiling);
}
