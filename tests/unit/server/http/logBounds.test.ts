import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { LogSampler } from 'holdfast/internal/server';
import { errorWithoutData } from 'holdfast/internal/server';

describe('log lines a client can cause are bounded', () => {
  it('a sampler logs the first N of each minute and then says how many it did not', () => {
    let now = 0;
    const sampler = new LogSampler({ perMinute: 3, now: () => now });
    const first = Array.from({ length: 10 }, () => sampler.take());
    expect(first.map((decision) => decision.log)).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(first.every((decision) => decision.suppressedBefore === 0)).toBe(true);
    now = 60_000;
    expect(sampler.take()).toEqual({ log: true, suppressedBefore: 7 });
    expect(sampler.take()).toEqual({ log: true, suppressedBefore: 0 });
  });

  it('a failed query’s parameters never reach the log, and long fields are cut (a real PGlite error)', async () => {
    const pg = new PGlite();
    try {
      const secret = `customer's private reply ${'x'.repeat(5000)}`;
      // PostgreSQL's own message quotes the value it could not take, and PGlite adds the query's parameters.
      const error = await pg.query('SELECT $1::int', [secret]).then(
        () => undefined,
        (failure: Error) => failure,
      );
      expect(error).toBeDefined();
      expect((error as unknown as { params: unknown[] }).params).toEqual([secret]);
      const logged = JSON.stringify(errorWithoutData(error!));
      expect(logged).not.toContain('params');
      expect(logged).not.toContain('x'.repeat(2000));
      expect(logged).toContain('invalid input syntax');
      expect(logged.length).toBeLessThan(4000);
    } finally {
      await pg.close();
    }
  }, 60_000);
});
