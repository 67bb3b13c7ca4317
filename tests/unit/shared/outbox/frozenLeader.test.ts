import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { OutboxClient } from 'holdfast/internal';

/**
 * Web Locks as the browser keeps them for several tabs: one holder per name, the others queued in order.
 * Node has none; this follows the spec's request(name, { signal }, callback) far enough for the outbox.
 */
function sharedLocks() {
  const held = new Map<string, string>();
  const waiting: { name: string; tab: string; grant: () => void }[] = [];
  const grantNext = (name: string) => {
    const index = waiting.findIndex((entry) => entry.name === name);
    if (index >= 0) waiting.splice(index, 1)[0]!.grant();
  };
  const tab = (id: string) =>
    ({
      request(name: string, options: { signal?: AbortSignal }, callback: (lock: { name: string }) => Promise<unknown>) {
        return new Promise((resolve, reject) => {
          const grant = () => {
            held.set(name, id);
            Promise.resolve()
              .then(() => callback({ name }))
              .then(resolve, reject)
              .finally(() => {
                held.delete(name);
                grantNext(name);
              });
          };
          options.signal?.addEventListener('abort', () => {
            const index = waiting.findIndex((entry) => entry.grant === grant);
            if (index < 0) return;
            waiting.splice(index, 1);
            reject(new DOMException('The request was aborted.', 'AbortError'));
          });
          if (held.has(name)) waiting.push({ name, tab: id, grant });
          else grant();
        });
      },
    }) as unknown as LockManager;
  return { held, waiting, tab };
}

describe('a tab leading the replay is frozen', () => {
  it('it lets go of the replay lock before it freezes (another tab leads at once), and queues for it again once it runs', async () => {
    const locks = sharedLocks();
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
    const holder = () => [...locks.held.values()][0];
    expect(holder()).toBe('first');
    expect(locks.waiting.map((entry) => entry.tab)).toEqual(['second']);

    freeze();
    await vi.waitFor(() => expect(holder()).toBe('second'));
    resume();
    expect(locks.waiting.map((entry) => entry.tab)).toEqual(['first']);
    // The tab that leads now closes: the thawed one takes over.
    await second.stop();
    await vi.waitFor(() => expect(holder()).toBe('first'));
    await first.stop();
    expect(listening).toBe(false);
    expect(locks.held.size).toBe(0);
  });
});
