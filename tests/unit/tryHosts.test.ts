import { describe, expect, it } from 'vitest';
import { tryHosts } from '../../shared/cascadeCore.js';

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
    expect(tried).toEqual([['a', false], ['b', false], ['c', false]]);
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
});
