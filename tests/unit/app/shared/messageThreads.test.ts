import { describe, expect, it } from 'vitest';
import { mergeMessages, storeThreadMessages, type Message, type MessageThread } from '../../../../app/shared/client.js';

const message = (id: string, conversationId: string, minute: number): Message => ({
  id,
  conversationId,
  authorKind: 'customer',
  authorAgentId: null,
  authorName: 'Customer',
  body: `message ${id}`,
  attachments: [],
  createdAt: new Date(Date.UTC(2026, 10, 25, 12, minute)).toISOString(),
});

/** An object store as storeThreadMessages sees it, counting writes. */
function memoryStore(initial: MessageThread[] = []) {
  const records = new Map(initial.map((thread) => [thread.conversationId, thread]));
  let puts = 0;
  return {
    records,
    puts: () => puts,
    get: async (id: string) => records.get(id),
    put: async (thread: MessageThread) => {
      puts++;
      records.set(thread.conversationId, structuredClone(thread));
    },
  };
}

describe('message threads', () => {
  it('groups a page of messages into one record per conversation, oldest first', async () => {
    const store = memoryStore();
    const changed = await storeThreadMessages(store, [message('b', 'c1', 2), message('x', 'c2', 1), message('a', 'c1', 1), message('c', 'c1', 3)]);
    expect(changed.sort()).toEqual(['c1', 'c2']);
    expect(store.puts()).toBe(2);
    expect(store.records.get('c1')!.messages.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(store.records.get('c2')!.messages.map((m) => m.id)).toEqual(['x']);
  });

  it('merges into what is stored: new messages take their place in time, known ones are not duplicated', async () => {
    const store = memoryStore([{ conversationId: 'c1', messages: [message('a', 'c1', 1), message('c', 'c1', 5)] }]);
    await storeThreadMessages(store, [message('b', 'c1', 3), message('c', 'c1', 5), message('d', 'c1', 7)]);
    expect(store.records.get('c1')!.messages.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves a record untouched when it already holds every message (no rewrite)', async () => {
    const store = memoryStore([{ conversationId: 'c1', messages: [message('a', 'c1', 1)] }]);
    expect(await storeThreadMessages(store, [message('a', 'c1', 1)])).toEqual([]);
    expect(store.puts()).toBe(0);
  });

  it('merging answers the same array when nothing is new, and orders equal times by id', () => {
    const current = [message('a', 'c1', 1)];
    expect(mergeMessages(current, [message('a', 'c1', 1)])).toBe(current);
    expect(mergeMessages(current, [message('0', 'c1', 1)]).map((m) => m.id)).toEqual(['0', 'a']);
  });
});
