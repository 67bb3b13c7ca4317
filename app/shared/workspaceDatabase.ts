import { unwrap, type DBSchema, type IDBPDatabase } from 'idb';
import { openVersionedDatabase, type Migration } from 'holdfast/client';
import { compareMessages, type MessageThread } from './messageThreads.js';
import type { Agent, CannedReply, Conversation, Message } from './types.js';

/**
 * The workspace's local store in IndexedDB: the one module that owns its schema, name and migrations.
 * One database per (tenant, agent), so agents sharing a browser never share local data, and signing
 * out deletes exactly one database.
 */
interface WorkspaceDatabaseSchema extends DBSchema {
  conversations: { key: string; value: Conversation };
  /** Each conversation's messages, oldest first, in one record (v3; see messageThreads.ts for why). */
  threads: { key: string; value: MessageThread };
  /** Versions 1–2 only: one record per message. v3 moves them into `threads` and deletes this store. */
  messages: { key: string; value: Message; indexes: { byConversation: [string, string] } };
  /** What the agent has typed and not sent, per conversation (v4): kept across reloads and updates. */
  drafts: { key: string; value: Draft };
  agents: { key: string; value: Agent };
  cannedReplies: { key: string; value: CannedReply };
  /** Sync bookkeeping: `cursor` (delta-sync cursor) and `lastSyncAt` (ISO time of the last good sync). */
  meta: { key: string; value: string };
}

export type WorkspaceDatabase = IDBPDatabase<WorkspaceDatabaseSchema>;

/** An unsent reply: the text in a conversation's composer. */
type Draft = { conversationId: string; text: string; updatedAt: string };

const workspaceMigrations: readonly Migration<WorkspaceDatabaseSchema>[] = [
  // v1: conversations, their messages, sync bookkeeping.
  (db) => {
    db.createObjectStore('conversations', { keyPath: 'id' });
    const messages = db.createObjectStore('messages', { keyPath: 'id' });
    messages.createIndex('byConversation', ['conversationId', 'createdAt']);
    db.createObjectStore('meta');
  },
  // v2: the team and its canned replies, so the composer and the assign control work offline.
  (db) => {
    db.createObjectStore('agents', { keyPath: 'id' });
    db.createObjectStore('cannedReplies', { keyPath: 'id' });
  },
  // v3: messages grouped by conversation, one record each; the stored messages are moved, not refetched.
  (db, tx) => {
    const threads = unwrap(db.createObjectStore('threads', { keyPath: 'conversationId' }));
    // Raw requests: the upgrade transaction stays open only while requests are pending, and it must end by
    // deleting the old store once every message has been moved.
    const cursorRequest = unwrap(tx.objectStore('messages')).index('byConversation').openCursor();
    let current: MessageThread | null = null;
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      const message = cursor?.value as Message | undefined;
      if (current && (!message || message.conversationId !== current.conversationId)) {
        threads.put({ ...current, messages: current.messages.sort(compareMessages) });
        current = null;
      }
      if (!cursor || !message) {
        db.deleteObjectStore('messages');
        return;
      }
      current ??= { conversationId: message.conversationId, messages: [] };
      current.messages.push(message);
      cursor.continue();
    };
  },
  // v4: unsent drafts, one per conversation.
  (db) => {
    db.createObjectStore('drafts', { keyPath: 'conversationId' });
  },
];

export const workspaceDatabasePrefix = 'holdfast-workspace';

/**
 * `namespace`: a world of its own beside the real one (the in-browser demo's `demo`), whose databases are
 * named apart so that nothing done in one can read or delete the other's.
 */
export function workspaceDatabaseName(tenantId: string, agentId: string, namespace?: string): string {
  return `${workspaceDatabasePrefix}${namespace ? `-${namespace}` : ''}:${tenantId}:${agentId}`;
}

/** What a tab does when another tab's newer release upgrades the database, or when its own open must wait. */
export type WorkspaceDatabaseHandlers = {
  /** Before this connection closes for a newer release's upgrade: store what is not stored yet, then reload. */
  onVersionChange?: () => Promise<void> | void;
  /** This open waits for an older tab to let go of the database. */
  onBlocked?: () => void;
};

export function openWorkspaceDatabase(
  tenantId: string,
  agentId: string,
  handlers: WorkspaceDatabaseHandlers = {},
  namespace?: string,
): Promise<WorkspaceDatabase> {
  return openVersionedDatabase<WorkspaceDatabaseSchema>({
    name: workspaceDatabaseName(tenantId, agentId, namespace),
    migrations: workspaceMigrations,
    onVersionChange: handlers.onVersionChange,
    onBlocked: handlers.onBlocked,
  });
}

/** A conversation's messages, oldest first (none stored: empty). */
export async function readConversationMessages(db: WorkspaceDatabase, conversationId: string): Promise<Message[]> {
  return (await db.get('threads', conversationId))?.messages ?? [];
}
