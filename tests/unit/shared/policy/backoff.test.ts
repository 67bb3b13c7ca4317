import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from 'holdfast/client';

describe('full-jitter backoff', () => {
  const options = { initialDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles its ceiling with each attempt, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => fullJitterDelay(attempt, options, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('draws uniformly below the ceiling, never under the floor', () => {
    expect(fullJitterDelay(3, options, () => 0.5)).toBe(4000);
    expect(fullJitterDelay(3, options, () => 0)).toBe(250);
    expect(fullJitterDelay(3, { ...options, minDelayMs: 0 }, () => 0)).toBe(0);
    const draws = Array.from({ length: 1000 }, () => fullJitterDelay(2, options));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...draws)).toBeLessThanOrEqual(4000);
    expect(new Set(draws.map((draw) => Math.floor(draw / 500))).size).toBeGreaterThanOrEqual(7);
  });
});
