import { describe, expect, it } from 'vitest';
import { OutboxReplayer, serverCouldNotApplyCode, type BatchOutcome, type DrainResult } from 'holdfast/internal';
import type { ActionEnvelope } from 'holdfast/client';
import { createWorkspaceAction } from '../../../../app/shared/client.js';
import { MemoryReplayQueue } from './memoryReplayQueue.js';

const targets = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];

/**
 * A server that applies what it is sent, except that any request holding one of `poisoned` (or, while
 * `down`, any request at all) gets a 500 — as a server bug triggered by one action's data would.
 */
function server(poisoned: Set<string>) {
  const applied: ActionEnvelope[] = [];
  const state = { down: false, requests: 0 };
  const transport = async (batch: readonly ActionEnvelope[]): Promise<BatchOutcome> => {
    state.requests++;
    if (state.down || batch.some((action) => poisoned.has(action.id))) return { kind: 'retry', code: 'internal', message: 'The server failed.', status: 500 };
    applied.push(...batch);
    return { kind: 'answered', results: batch.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) };
  };
  return { applied, state, transport };
}

/** Drains until the queue is empty or `passes` passes went by, ignoring backoff times (nothing here waits). */
async function drainRepeatedly(replayer: OutboxReplayer, passes: number): Promise<DrainResult> {
  let result = await replayer.drain();
  for (let pass = 1; pass < passes && result.status === 'backing-off'; pass++) result = await replayer.drain();
  return result;
}

describe('a poison action the server cannot apply', () => {
  it('goes to the failed list after failing alone while others are applied; the 50 actions after it are applied once, in order', async () => {
    const queue = new MemoryReplayQueue();
    const actions = Array.from({ length: 51 }, (_, index) => createWorkspaceAction('send', targets[index % 3]!, { text: `m${index}` }));
    const poison = actions[0]!;
    for (const action of actions) queue.add(action);
    const { applied, transport } = server(new Set([poison.id]));
    // Once the other conversations are through, only the readiness probe can show the server works.
    const result = await drainRepeatedly(new OutboxReplayer({ queue, transport, probe: async () => true }), 20);

    expect(result.status).toBe('drained');
    expect(queue.entries).toEqual([]);
    expect(queue.failed).toMatchObject([{ action: poison, kind: 'rejected', code: serverCouldNotApplyCode }]);
    expect(queue.failed[0]!.message).toMatch(/could not apply/);
    expect(applied.map((action) => action.id)).toHaveLength(50);
    expect(new Set(applied.map((action) => action.id)).size).toBe(50);
    for (const target of targets) {
      const expected = actions.filter((action) => action !== poison && action.targetId === target).map((action) => action.id);
      expect(applied.filter((action) => action.targetId === target).map((action) => action.id)).toEqual(expected);
    }
  });

  it('alone on its conversation: the readiness probe is the evidence, and its conversation goes on after it', async () => {
    const queue = new MemoryReplayQueue();
    const actions = Array.from({ length: 10 }, (_, index) => createWorkspaceAction('send', targets[0]!, { text: `m${index}` }));
    for (const action of actions) queue.add(action);
    const { applied, transport } = server(new Set([actions[3]!.id]));
    let probes = 0;
    const result = await drainRepeatedly(
      new OutboxReplayer({
        queue,
        transport,
        probe: async () => {
          probes++;
          return true;
        },
      }),
      20,
    );
    expect(result.status).toBe('drained');
    expect(probes).toBe(3);
    expect(queue.failed.map((failed) => failed.action.id)).toEqual([actions[3]!.id]);
    expect(applied.map((action) => action.id)).toEqual(actions.filter((_, index) => index !== 3).map((action) => action.id));
  });

  it('without a probe and with nothing else to send, it is never dead-lettered: it waits, pending', async () => {
    const queue = new MemoryReplayQueue();
    const actions = Array.from({ length: 4 }, (_, index) => createWorkspaceAction('send', targets[0]!, { text: `m${index}` }));
    for (const action of actions) queue.add(action);
    const { transport } = server(new Set([actions[0]!.id]));
    const result = await drainRepeatedly(new OutboxReplayer({ queue, transport }), 30);
    expect(result.status).toBe('backing-off');
    expect(queue.failed).toEqual([]);
    expect(queue.entries).toHaveLength(4);
  });

  it('a real outage, where every request fails, dead-letters nothing however long it lasts; afterwards everything is applied once', async () => {
    const queue = new MemoryReplayQueue();
    const actions = Array.from({ length: 120 }, (_, index) => createWorkspaceAction('send', targets[index % 3]!, { text: `m${index}` }));
    for (const action of actions) queue.add(action);
    const { applied, state, transport } = server(new Set());
    state.down = true;
    const replayer = new OutboxReplayer({ queue, transport, probe: async () => false });
    expect((await drainRepeatedly(replayer, 60)).status).toBe('backing-off');
    expect(queue.failed).toEqual([]);
    expect(queue.entries).toHaveLength(120);
    // Polite while down: a search costs about log2(batch) requests, then it backs off (60 passes, not thousands of requests).
    expect(state.requests).toBeLessThan(60 * 6);
    state.down = false;
    expect((await drainRepeatedly(replayer, 10)).status).toBe('drained');
    expect(applied.map((action) => action.id)).toEqual(actions.map((action) => action.id));
    expect(queue.failed).toEqual([]);
  });

  it('an outage that starts while a suspect is being tested does not count against it', async () => {
    const queue = new MemoryReplayQueue();
    const actions = Array.from({ length: 6 }, (_, index) => createWorkspaceAction('send', targets[index % 2]!, { text: `m${index}` }));
    for (const action of actions) queue.add(action);
    const poisoned = new Set([actions[0]!.id]);
    const { state, transport } = server(poisoned);
    const replayer = new OutboxReplayer({ queue, transport });
    await drainRepeatedly(replayer, 3); // found it alone once, while the others went through
    expect(queue.entries.find((entry) => entry.action.id === actions[0]!.id)?.serverErrors).toBe(1);
    state.down = true;
    await drainRepeatedly(replayer, 20);
    expect(queue.failed).toEqual([]);
    expect(queue.entries.find((entry) => entry.action.id === actions[0]!.id)?.serverErrors).toBe(1);
  });

  it('503 and Retry-After mean "later": they never start a search', async () => {
    const queue = new MemoryReplayQueue();
    for (const action of Array.from({ length: 8 }, (_, index) => createWorkspaceAction('send', targets[0]!, { text: `m${index}` }))) queue.add(action);
    const sizes: number[] = [];
    const transport = async (batch: readonly ActionEnvelope[]): Promise<BatchOutcome> => {
      sizes.push(batch.length);
      return { kind: 'retry', code: 'unavailable', message: 'busy', status: 503 };
    };
    await drainRepeatedly(new OutboxReplayer({ queue, transport, probe: async () => true }), 10);
    expect(new Set(sizes)).toEqual(new Set([8]));
    expect(queue.failed).toEqual([]);
  });
});
