import { createHash } from 'node:crypto';
import type { Conversation, Message } from '../../app/shared/index.js';
import type { TestApi } from './testApi.js';
import { minPositionHeader } from 'holdfast/client';

/** A tab whose page can run a function: a Playwright page, or another engine's tab (tests/engines). */
type PageLike = { evaluate<T>(fn: () => Promise<T>): Promise<T> };

/** Per conversation: its version and a digest of its message ids. What "this device holds the server's state" means. */
export type StateDigest = Record<string, { version: number; messages: string }>;

const digest = (ids: readonly string[]) =>
  createHash('sha256')
    .update([...ids].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);

/** What the device's IndexedDB holds: every conversation's version and its thread's message ids (the workspace database). */
export async function deviceDigest(page: PageLike): Promise<StateDigest> {
  const stored = await page.evaluate(async () => {
    const name = (await indexedDB.databases()).map((database) => database.name ?? '').find((candidate) => candidate.startsWith('holdfast-workspace:'));
    if (!name) return { conversations: [], threads: [] };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const result = {
      conversations: (await all<{ id: string; version: number }>('conversations')).map(({ id, version }) => ({ id, version })),
      threads: (await all<{ conversationId: string; messages: { id: string }[] }>('threads')).map((thread) => ({
        id: thread.conversationId,
        messages: thread.messages.map((message) => message.id),
      })),
    };
    db.close();
    return result;
  });
  const threads = new Map(stored.threads.map((thread) => [thread.id, thread.messages]));
  return Object.fromEntries(stored.conversations.map(({ id, version }) => [id, { version, messages: digest(threads.get(id) ?? []) }]));
}

/**
 * The server's state, read as a new device would: every page of delta sync from the start. `minPosition`:
 * a WAL position of the primary the reads must see (its read-your-writes header), so that they come from
 * the primary, or a standby caught up with it — never from a replica that stopped following it.
 */
export async function serverDigest(api: TestApi, minPosition?: string): Promise<StateDigest> {
  const conversations = new Map<string, number>();
  const messages = new Map<string, string[]>();
  let cursor = '0';
  for (;;) {
    const page = await api.json<{ conversations: Conversation[]; messages: Message[]; cursor: string; hasMore: boolean }>(
      `/api/sync?cursor=${cursor}&limit=5000`,
      minPosition ? { headers: { [minPositionHeader]: minPosition } } : {},
    );
    for (const conversation of page.conversations) conversations.set(conversation.id, conversation.version);
    for (const message of page.messages) messages.set(message.conversationId, [...(messages.get(message.conversationId) ?? []), message.id]);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return Object.fromEntries([...conversations].map(([id, version]) => [id, { version, messages: digest(messages.get(id) ?? []) }]));
}

/** The conversations whose version or message ids differ between the device and the server (none: converged). */
export function divergence(device: StateDigest, server: StateDigest): string[] {
  const ids = new Set([...Object.keys(device), ...Object.keys(server)]);
  return [...ids].filter((id) => device[id]?.version !== server[id]?.version || device[id]?.messages !== server[id]?.messages).sort();
}
