import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FairShare } from 'holdfast/internal/server';

const a1 = { tenantId: 'a', tokenHash: 'a1' };
const a2 = { tenantId: 'a', tokenHash: 'a2' };
const b1 = { tenantId: 'b', tokenHash: 'b1' };

describe('fair shares of heavy work', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('one heavy request at a time per session; tenants take turns, whoever queued more', async () => {
    const share = new FairShare({ maxConcurrent: 1, now: () => Date.now() });
    const order: string[] = [];
    let running = 0;
    const run = async (who: typeof a1, name: string) => {
      const release = await share.acquire(who);
      order.push(name);
      expect(++running).toBe(1);
      await vi.advanceTimersByTimeAsync(10);
      running--;
      release();
    };
    await Promise.all([run(a1, 'a1-1'), run(a1, 'a1-2'), run(a2, 'a2-1'), run(a1, 'a1-3'), run(b1, 'b1-1')]);
    // Tenant a queued three before b's one, but b's turn comes right after a's first.
    expect(order).toEqual(['a1-1', 'b1-1', 'a1-2', 'a2-1', 'a1-3']);
  });

  it('while others are active, a session waits as long as its last request took before its next starts', async () => {
    const share = new FairShare({ maxConcurrent: 1, now: () => Date.now() });
    share.noteActivity('b1');
    const release = await share.acquire(a1);
    await vi.advanceTimersByTimeAsync(100);
    share.noteActivity('b1');
    release();
    let started = false;
    void share.acquire(a1).then(() => (started = true));
    await vi.advanceTimersByTimeAsync(90);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toBe(true);
  });

  it('alone, a session runs at full speed; beyond its queue it is refused', async () => {
    const share = new FairShare({ maxConcurrent: 1, maxQueuedPerSession: 2, now: () => Date.now() });
    const release = await share.acquire(a1);
    await vi.advanceTimersByTimeAsync(100);
    release();
    const next = share.acquire(a1);
    await vi.advanceTimersByTimeAsync(0);
    const releaseNext = await next;
    const waiting = [share.acquire(a1), share.acquire(a1)];
    await expect(share.acquire(a1)).rejects.toMatchObject({ code: 'too-many-heavy-requests' });
    releaseNext();
    for (const entry of waiting) (await entry)();
  });

  it('gives page reads a smaller limit only while others are active', () => {
    const share = new FairShare({ maxConcurrent: 1, now: () => Date.now() });
    expect(share.pageLimit('a1', 5000)).toBe(5000);
    share.noteActivity('b1');
    expect(share.pageLimit('a1', 5000)).toBe(1000);
    expect(share.pageLimit('a1', 200)).toBe(200);
  });
});
