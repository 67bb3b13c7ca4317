import { describe, expect, it, vi } from 'vitest';
import { OutboxReplayer, OutboxReplayLeader, type BatchOutcome } from 'holdfast/internal';
import type { ActionEnvelope } from 'holdfast/client';
import { createWorkspaceAction } from '../../../../app/shared/client.js';
import { memoryLocks, silenceableChannel } from '../../../support/memoryLocks.js';
import { MemoryReplayQueue } from './memoryReplayQueue.js';

const applied = (actions: readonly ActionEnvelope[]): BatchOutcome => ({
  kind: 'answered',
  results: actions.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })),
});

describe('the replay leader stops answering', () => {
  it('another tab takes the replay over and sends what waits; the stopped one, running again, leads no more', async () => {
    const locks = memoryLocks();
    // One outbox (IndexedDB is the origin's), two tabs.
    const queue = new MemoryReplayQueue();
    queue.add(createWorkspaceAction('send', '00000000-0000-4000-8000-00000000000a', { text: 'waits behind a stopped tab' }));
    // The first tab's send never answers while it is stopped (a frozen tab's request), and it says nothing.
    let thaw: (outcome: BatchOutcome) => void = () => {};
    const stoppedSend = vi.fn((_actions: readonly ActionEnvelope[]) => new Promise<BatchOutcome>((resolve) => (thaw = resolve)));
    let silent = false;
    const leading = { first: false, second: false };
    const tab = (id: 'first' | 'second', transport: (actions: readonly ActionEnvelope[]) => Promise<BatchOutcome>) =>
      new OutboxReplayLeader({
        replayer: new OutboxReplayer({ queue, transport }),
        lockName: 'replay',
        locks: locks.tab(id),
        lease: { beatMs: 50, takeoverMs: 300 },
        openChannel: (name) => silenceableChannel(name, () => id === 'first' && silent),
        onLeadership: (now) => (leading[id] = now),
      });
    const first = tab('first', stoppedSend);
    first.start();
    await vi.waitFor(() => expect(stoppedSend).toHaveBeenCalledTimes(1));
    silent = true;
    const secondSend = vi.fn(async (actions: readonly ActionEnvelope[]) => applied(actions));
    const second = tab('second', secondSend);
    second.start();

    await vi.waitFor(() => expect(queue.entries).toEqual([]), { timeout: 10_000 });
    expect(secondSend).toHaveBeenCalledTimes(1);
    expect(locks.holder('replay')).toBe('second');

    // The first tab runs again: its send is answered (the server applies an id once), it stops leading,
    // and sends nothing more.
    silent = false;
    thaw(applied(stoppedSend.mock.calls[0]![0]));
    await vi.waitFor(() => expect(leading.first).toBe(false));
    expect(leading.second).toBe(true);
    first.kick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stoppedSend).toHaveBeenCalledTimes(1);
    expect(locks.waiting('replay')).toEqual(['first']);
    await Promise.all([first.stop(), second.stop()]);
    expect(locks.heldCount()).toBe(0);
  });
});
