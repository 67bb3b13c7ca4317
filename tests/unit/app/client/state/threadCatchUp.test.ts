import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThreadCatchUp, type ThreadState } from '../../../../../app/client/state/ThreadCatchUp.js';

/** A device holding `held` of a thread the server says has `total`; each fetch answers as `answers` says. */
function setup(answers: ('fail' | 'whole' | 'stale')[]) {
  const device = { held: 3, total: 5 as number | undefined };
  const fetches: number[] = [];
  const states: (ThreadState | null)[] = [];
  const catchUp = new ThreadCatchUp({
    fetch: async (_id, attempt) => {
      fetches.push(attempt);
      const answer = answers.shift() ?? 'fail';
      if (answer === 'fail') throw new Error('no answer within the deadline');
      if (answer === 'whole') device.held = device.total!;
    },
    held: () => ({ held: device.held, total: device.total }),
    onChange: (state) => states.push(state),
    random: () => 1,
  });
  return { device, fetches, states, catchUp };
}

describe('keeping the conversation on screen whole', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a fetch that fails is tried again with backoff until the thread is whole, then no more', async () => {
    const { fetches, states, catchUp } = setup(['fail', 'fail', 'whole']);
    catchUp.follow('c1');
    await vi.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual([0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(fetches).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetches).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fetches).toEqual([0, 1, 2]);
    expect(states.at(-1)).toMatchObject({ id: 'c1', held: 5, total: 5, whole: true });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetches).toHaveLength(3);
  });

  it('an answer older than the inbox row is not the end: fetched again', async () => {
    const { fetches, catchUp } = setup(['stale', 'whole']);
    catchUp.follow('c1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetches).toEqual([0, 1]);
  });

  it('the inbox showing more than the thread holds starts a fetch; a reconnect skips the backoff', async () => {
    const { device, fetches, catchUp } = setup(['whole', 'fail', 'whole']);
    catchUp.follow('c1');
    await vi.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual([0]);
    device.total = 6; // a sync page or an event brought the row with a newer reply
    catchUp.check();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual([0, 0]);
    // That one failed: the next waits its backoff, unless the connection comes back first.
    catchUp.check();
    await vi.advanceTimersByTimeAsync(100);
    expect(fetches).toEqual([0, 0]);
    catchUp.reconnected();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual([0, 0, 0]);
  });

  it('nothing is fetched for a thread the device holds whole, nor before its own copy is read', async () => {
    const { device, fetches, catchUp } = setup([]);
    device.held = 5;
    catchUp.follow('c1');
    const notRead = new ThreadCatchUp({ fetch: async () => void fetches.push(-1), held: () => null });
    notRead.follow('c2');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetches).toEqual([]);
  });

  it('leaving the conversation stops its retries', async () => {
    const { fetches, catchUp } = setup(['fail', 'fail', 'fail']);
    catchUp.follow('c1');
    await vi.advanceTimersByTimeAsync(0);
    catchUp.follow(null);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetches).toEqual([0]);
  });
});
