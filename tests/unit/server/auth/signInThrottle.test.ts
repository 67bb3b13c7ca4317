import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'holdfast/server';
import { openPglite } from 'holdfast/server';
import { delayAfter, SignInThrottle, signInThrottleDefaults } from 'holdfast/internal/server';
import { copyPgliteTemplate } from '../../../support/pgliteTemplate.js';

describe('the growing sign-in delay', () => {
  it('is free for the first failures, then doubles up to its cap', () => {
    const rule = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((failures) => delayAfter(rule, failures))).toEqual([0, 0, 0, 1000, 2000, 4000, 5000, 5000]);
  });
  it('caps the account-wide delay low (strangers can raise it) and the per-address one high', () => {
    expect(delayAfter(signInThrottleDefaults.account, 1000)).toBe(60_000);
    expect(delayAfter(signInThrottleDefaults.pair, 1000)).toBe(15 * 60_000);
  });
});

// In PGlite, in process: the throttle's transactions as every node runs them.
describe('the sign-in throttle in the database', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite(await copyPgliteTemplate());
  }, 120_000);
  afterAll(() => db?.close());

  it('forty concurrent guesses from one address: only the free ones are checked', async () => {
    const throttle = new SignInThrottle(db);
    const results = await Promise.all(Array.from({ length: 40 }, () => throttle.reserve({ account: 'agent-1', address: '198.51.100.7' })));
    const allowed = results.filter((result) => result.allowed).length;
    expect(allowed).toBe(signInThrottleDefaults.pair.freeFailures + 1);
    for (const result of results) if (!result.allowed) expect(result.retryAfterMs).toBeGreaterThan(0);
  });

  it('another address and a known device of the same account are not slowed by those failures', async () => {
    const throttle = new SignInThrottle(db);
    expect((await throttle.reserve({ account: 'agent-1', address: '203.0.113.9' })).allowed).toBe(true);
    expect((await throttle.reserve({ account: 'agent-1', address: '198.51.100.7', knownDevice: 'device-a' })).allowed).toBe(true);
  });

  it('guesses spread over many addresses slow the account down, but never for more than a minute; a known device still gets in', async () => {
    const throttle = new SignInThrottle(db);
    let refused: number | undefined;
    for (let index = 0; index < 30 && refused === undefined; index++) {
      const result = await throttle.reserve({ account: 'agent-2', address: `192.0.2.${index}` });
      if (!result.allowed) refused = result.retryAfterMs;
    }
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(60_000);
    expect((await throttle.reserve({ account: 'agent-2', address: '192.0.2.200', knownDevice: 'device-b' })).allowed).toBe(true);
  });

  it('a success clears its own address’s count', async () => {
    const throttle = new SignInThrottle(db);
    for (let index = 0; index < signInThrottleDefaults.pair.freeFailures - 1; index++) await throttle.reserve({ account: 'agent-3', address: '192.0.2.1' });
    await throttle.succeeded(await throttle.reserve({ account: 'agent-3', address: '192.0.2.1' }));
    for (let index = 0; index < signInThrottleDefaults.pair.freeFailures; index++)
      expect((await throttle.reserve({ account: 'agent-3', address: '192.0.2.1' })).allowed).toBe(true);
  });
});
