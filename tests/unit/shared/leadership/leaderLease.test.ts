import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaderLease } from 'holdfast/internal';
import { memoryLocks, silenceableChannel } from '../../../support/memoryLocks.js';

/**
 * A tab as the lease sees it: its own lock manager handle and a channel it can be made silent on, as a tab
 * whose scripts stopped (hung, SIGSTOPped, frozen without a `freeze` event) says nothing while it keeps its lock.
 */
function tab(locks: ReturnType<typeof memoryLocks>, id: string, options: { beatMs: number; takeoverMs: number; now?: () => number }) {
  const state = { silent: false, terms: 0, lost: [] as AbortSignal[], leading: false };
  const lease = new LeaderLease({
    name: 'replay',
    locks: locks.tab(id),
    ...options,
    openChannel: (name) => silenceableChannel(name, () => state.silent),
    onLeadership: (leading) => (state.leading = leading),
    lead: (lost) => {
      state.terms++;
      state.lost.push(lost);
      return new Promise((resolve) => lost.addEventListener('abort', () => resolve(), { once: true }));
    },
  });
  leases.push(lease);
  lease.start();
  return { lease, state };
}

const leases: LeaderLease[] = [];
afterEach(async () => {
  await Promise.all(leases.splice(0).map((lease) => lease.stop()));
});

describe('a leader that stops answering is replaced', () => {
  it('another tab takes the lock over after takeoverMs of silence; the old leader stops once it runs and queues like the others', async () => {
    const locks = memoryLocks();
    const first = tab(locks, 'first', { beatMs: 50, takeoverMs: 300 });
    await vi.waitFor(() => expect(locks.holder('replay')).toBe('first'));
    const second = tab(locks, 'second', { beatMs: 50, takeoverMs: 300 });
    await vi.waitFor(() => expect(locks.waiting('replay')).toEqual(['second']));

    const silentAt = Date.now();
    first.state.silent = true;
    await vi.waitFor(() => expect(locks.holder('replay')).toBe('second'), { timeout: 10_000 });
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(300 - 50);
    // The first tab's term ended (its work stops as soon as it runs) and it waits its turn again.
    expect(first.state.lost[0]!.aborted).toBe(true);
    await vi.waitFor(() => expect(locks.waiting('replay')).toEqual(['first']));
    expect(first.state.leading).toBe(false);
    expect(second.state.leading).toBe(true);

    // The new leader beats: the old one, answering again, does not take the lock back.
    first.state.silent = false;
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(locks.holder('replay')).toBe('second');
    expect(second.state.terms).toBe(1);

    // And when the new leader goes away, the lock passes back as a plain lock would.
    await second.lease.stop();
    await vi.waitFor(() => expect(locks.holder('replay')).toBe('first'));
    expect(first.state.terms).toBe(2);
  });

  it('a leader that keeps beating keeps the lock however long it holds it', async () => {
    const locks = memoryLocks();
    tab(locks, 'first', { beatMs: 50, takeoverMs: 400 });
    await vi.waitFor(() => expect(locks.holder('replay')).toBe('first'));
    const second = tab(locks, 'second', { beatMs: 50, takeoverMs: 400 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(locks.holder('replay')).toBe('first');
    expect(second.state.terms).toBe(0);
  });

  it('a tab whose own timers ran late (throttled in the background) does not take over on that account', async () => {
    const locks = memoryLocks();
    const first = tab(locks, 'first', { beatMs: 50, takeoverMs: 300 });
    await vi.waitFor(() => expect(locks.holder('replay')).toBe('first'));
    let skew = 0;
    const second = tab(locks, 'second', { beatMs: 50, takeoverMs: 300, now: () => Date.now() + skew });
    await vi.waitFor(() => expect(locks.waiting('replay')).toEqual(['second']));
    // The leader goes silent just as the second tab's clock shows a minute gone between two of its checks.
    first.state.silent = true;
    const jumpedAt = Date.now();
    skew = 60_000;
    await vi.waitFor(() => expect(second.state.terms).toBe(1), { timeout: 10_000 });
    // It waited a full takeoverMs from the check that found itself late, not zero.
    expect(Date.now() - jumpedAt).toBeGreaterThanOrEqual(300 - 50);
  });

  it('a request stopped while waiting leaves the queue, and a stopped leader lets go at once', async () => {
    const locks = memoryLocks();
    const first = tab(locks, 'first', { beatMs: 50, takeoverMs: 300 });
    await vi.waitFor(() => expect(locks.holder('replay')).toBe('first'));
    const second = tab(locks, 'second', { beatMs: 50, takeoverMs: 300 });
    await vi.waitFor(() => expect(locks.waiting('replay')).toEqual(['second']));
    await second.lease.stop();
    expect(locks.waiting('replay')).toEqual([]);
    await first.lease.stop();
    expect(first.state.lost[0]!.aborted).toBe(true);
    expect(locks.heldCount()).toBe(0);
  });
});
