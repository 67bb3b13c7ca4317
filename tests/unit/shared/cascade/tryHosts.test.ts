import { describe, expect, it } from 'vitest';
import { tryHosts } from 'holdfast/internal';

describe('the cascade loop (worker and page loader alike)', () => {
  it('tries hosts in order until one serves, recording who was passed over and what each cost; a skipped host costs nothing', async () => {
    let clock = 0;
    const tried: [string, boolean][] = [];
    const outcome = await tryHosts(
      ['a', 'b', 'c', 'origin'],
      async (host, lastResort) => {
        tried.push([host, lastResort]);
        if (host === 'a') return { ok: false, reason: 'marked-down', message: 'down', skipped: true };
        clock += 3000;
        if (host === 'b') return { ok: false, reason: 'first-byte-timeout', message: 'slow' };
        return { ok: true, value: `from ${host}` };
      },
      () => clock,
    );
    expect(tried).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ]);
    expect(outcome).toEqual({
      ok: true,
      value: 'from c',
      host: 'c',
      ms: 6000,
      failoverMs: 3000,
      passedOver: [
        { host: 'a', reason: 'marked-down', message: 'down', ms: 0 },
        { host: 'b', reason: 'first-byte-timeout', message: 'slow', ms: 3000 },
      ],
    });
  });

  it('the last host is told it is the last resort; when every host fails, all are named', async () => {
    const lastResorts: string[] = [];
    const outcome = await tryHosts(['a', 'origin'], async (host, lastResort) => {
      if (lastResort) lastResorts.push(host);
      return { ok: false, reason: 'server-error', message: '503' };
    });
    expect(lastResorts).toEqual(['origin']);
    expect(outcome.ok).toBe(false);
    expect(outcome.passedOver.map((failure) => failure.host)).toEqual(['a', 'origin']);
  });

  const answerAfter = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it('hedged: a host silent past the hedge delay gets the next as company; the first good answer wins, and the slow one is named', async () => {
    const started: string[] = [];
    const outcome = await tryHosts(
      ['dead', 'b', 'origin'],
      async (host, _lastResort, context) => {
        started.push(host);
        if (host === 'dead') return answerAfter(1000, { ok: false as const, reason: 'first-byte-timeout', message: 'slow' });
        const value = await answerAfter(20, `from ${host}`);
        return context.settled() ? { ok: false as const, reason: 'hedged', message: 'lost' } : { ok: true as const, value };
      },
      { hedgeDelayMs: 50 },
    );
    expect(outcome.ok && outcome.value).toBe('from b');
    expect(started).toEqual(['dead', 'b']);
    if (!outcome.ok) throw new Error('no host served');
    expect(outcome.failoverMs).toBeGreaterThanOrEqual(45);
    expect(outcome.failoverMs).toBeLessThan(500);
    expect(outcome.passedOver.map((failure) => [failure.host, failure.reason])).toEqual([['dead', 'hedged']]);
  });

  it('hedged: a host that answers before the hedge delay is the only one asked', async () => {
    const started: string[] = [];
    const outcome = await tryHosts(
      ['a', 'b'],
      async (host) => {
        started.push(host);
        return answerAfter(10, { ok: true as const, value: host });
      },
      { hedgeDelayMs: 200 },
    );
    expect(outcome.ok && outcome.value).toBe('a');
    await answerAfter(250, null);
    expect(started).toEqual(['a']);
  });

  it('hedged: a busy host (answering others while this request waits) gets no company until it falls silent', async () => {
    const started: string[] = [];
    let lastAnswer = Date.now();
    const answering = setInterval(() => (lastAnswer = Date.now()), 10);
    const stopAnswering = setTimeout(() => clearInterval(answering), 300);
    try {
      const outcome = await tryHosts(
        ['busy', 'b'],
        async (host, _lastResort, context) => {
          started.push(host);
          if (host === 'busy') return answerAfter(2000, { ok: false as const, reason: 'first-byte-timeout', message: 'slow' });
          const value = await answerAfter(10, host);
          return context.settled() ? { ok: false as const, reason: 'hedged', message: 'lost' } : { ok: true as const, value };
        },
        { hedgeDelayMs: 50, shouldHedge: (_host, since) => lastAnswer < since },
      );
      // Hedged only once the host went silent (300 ms), not at the first hedge delay (50 ms).
      expect(outcome.ok && outcome.value).toBe('b');
      if (!outcome.ok) throw new Error('no host served');
      expect(outcome.failoverMs).toBeGreaterThanOrEqual(300);
      expect(started).toEqual(['busy', 'b']);
    } finally {
      clearInterval(answering);
      clearTimeout(stopAnswering);
    }
  });

  it('never fails closed: hosts skipped or timed out get a last chance; one that refused the bytes does not', async () => {
    const lastChances: string[] = [];
    const outcome = await tryHosts(
      ['a', 'b', 'c', 'origin'],
      async (host) => {
        if (host === 'a') return { ok: false, reason: 'breaker-open', message: 'down', skipped: true };
        if (host === 'b') return { ok: false, reason: 'digest-mismatch', message: 'stale' };
        return { ok: false, reason: 'first-byte-timeout', message: 'slow' };
      },
      {
        lastChance: async (host) => {
          lastChances.push(host);
          return host === 'origin' ? { ok: true, value: 'patiently' } : { ok: false, reason: 'first-byte-timeout', message: 'still slow' };
        },
      },
    );
    expect(lastChances).toEqual(['a', 'c', 'origin']);
    expect(outcome.ok && outcome.value).toBe('patiently');
    expect(outcome.passedOver.map((failure) => `${failure.host} ${failure.reason}`)).toEqual([
      'a breaker-open',
      'b digest-mismatch',
      'c first-byte-timeout',
      'origin first-byte-timeout',
      'a first-byte-timeout',
      'c first-byte-timeout',
    ]);
  });
});
