import type { Message } from './types.js';

/**
 * How the workspace stores messages in IndexedDB: one record per conversation, holding its messages
 * oldest first (store `threads`, schema v3). One record per message (v1–v2, with an index by
 * conversation) cost ~60–100 ms of IndexedDB work per 1,000 messages written in Chromium, and a first
 * sync writes 100,000; grouped, the same 1,000 took ~10 ms (a page of sync touches ~90 conversations), and
 * opening a conversation is one read. A new message rewrites its conversation's record: ~a few ms for
 * 500 messages, paid per change instead of per message at the first sync.
 */
export type MessageThread = { conversationId: string; messages: Message[] };

/** Messages in the order the conversation shows them: by time, then id (stable for equal times). */
export function compareMessages(a: Message, b: Message): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `current` plus the messages of `incoming` it lacks (a message never changes once written); `current` itself when none. */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  const known = new Set(current.map((message) => message.id));
  const added = incoming.filter((message) => !known.has(message.id));
  if (added.length === 0) return current;
  // Usually appended: the newest arrive last. Sort only when one lands among older ones.
  const merged = [...current, ...added];
  const sorted = merged.every((message, index) => index === 0 || compareMessages(merged[index - 1]!, message) <= 0);
  return sorted ? merged : merged.sort(compareMessages);
}

type ThreadStore = { get(id: string): Promise<MessageThread | undefined>; put(thread: MessageThread): Promise<unknown> };

/**
 * Writes messages into their conversations' records inside the caller's readwrite transaction (so a
 * concurrent writer cannot lose one: IndexedDB runs overlapping readwrite transactions one at a time).
 * Answers the conversations whose record changed.
 */
export async function storeThreadMessages(store: ThreadStore, messages: readonly Message[]): Promise<string[]> {
  const byConversation = new Map<string, Message[]>();
  for (const message of messages) {
    const list = byConversation.get(message.conversationId);
    if (list) list.push(message);
    else byConversation.set(message.conversationId, [message]);
  }
  const ids = [...byConversation.keys()];
  const stored = await Promise.all(ids.map((id) => store.get(id)));
  const changed: string[] = [];
  await Promise.all(
    ids.map((id, index) => {
      const current = stored[index]?.messages ?? [];
      const merged = mergeMessages(current, byConversation.get(id)!);
      if (merged === current && stored[index]) return undefined;
      changed.push(id);
      return store.put({ conversationId: id, messages: [...merged] });
    }),
  );
  return changed;
}
