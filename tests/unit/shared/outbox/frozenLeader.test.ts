import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { OutboxClient } from 'holdfast/internal';
import { memoryLocks } from '../../../support/memoryLocks.js';

describe('a tab leading the replay is frozen', () => {
  it('it lets go of the replay lock before it freezes (another tab leads at once), and queues for it again once it runs', async () => {
    const locks = memoryLocks();
    const lock = 'holdfast-outbox-replay:frozen-leader';
    const nothingToSend = (async () => {
      throw new Error('nothing is queued here');
    }) as never;
    let freeze = () => {};
    let resume = () => {};
    let listening = true;
    const first = new OutboxClient({
      scope: 'frozen-leader',
      transport: nothingToSend,
      platform: {
        locks: locks.tab('first'),
        onFreeze: (onFreeze, onResume) => {
          freeze = onFreeze;
          resume = onResume;
          return () => (listening = false);
        },
      },
    });
    const second = new OutboxClient({ scope: 'frozen-leader', transport: nothingToSend, platform: { locks: locks.tab('second') } });
    await first.start();
    await second.start();
    const holder = () => locks.holder(lock);
    expect(holder()).toBe('first');
    expect(locks.waiting(lock)).toEqual(['second']);

    freeze();
    await vi.waitFor(() => expect(holder()).toBe('second'));
    resume();
    expect(locks.waiting(lock)).toEqual(['first']);
    // The tab that leads now closes: the thawed one takes over.
    await second.stop();
    await vi.waitFor(() => expect(holder()).toBe('first'));
    await first.stop();
    expect(listening).toBe(false);
    expect(locks.heldCount()).toBe(0);
  });
});
