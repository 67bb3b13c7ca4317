import { deleteDB, type DBSchema, type IDBPDatabase } from 'idb';
import { openVersionedDatabase, type Migration } from 'holdfast/client';
import type { Agent, CannedReply, Conversation, Message } from './types.js';

/**
 * The workspace's local store in IndexedDB: the one module that owns its schema, name and migrations.
 * One database per (tenant, agent), so agents sharing a browser never share local data, and signing
 * out deletes exactly one database.
 */
export interface WorkspaceDatabaseSchema extends DBSchema {
  conversations: { key: string; value: Conversation };
  messages: { key: string; value: Message; indexes: { byConversation: [string, string] } };
  agents: { key: string; value: Agent };
  cannedReplies: { key: string; value: CannedReply };
  /** Sync bookkeeping: `cursor` (delta-sync cursor) and `lastSyncAt` (ISO time of the last good sync). */
  meta: { key: string; value: string };
}

export type WorkspaceDatabase = IDBPDatabase<WorkspaceDatabaseSchema>;

export const workspaceMigrations: readonly Migration<WorkspaceDatabaseSchema>[] = [
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
];

export const workspaceDatabasePrefix = 'holdfast-workspace';

export function workspaceDatabaseName(tenantId: string, agentId: string): string {
  return `${workspaceDatabasePrefix}:${tenantId}:${agentId}`;
}

export function openWorkspaceDatabase(tenantId: string, agentId: string, onVersionChange?: () => void): Promise<WorkspaceDatabase> {
  return openVersionedDatabase<WorkspaceDatabaseSchema>({
    name: workspaceDatabaseName(tenantId, agentId),
    migrations: workspaceMigrations,
    onVersionChange,
  });
}

export function deleteWorkspaceDatabase(tenantId: string, agentId: string): Promise<void> {
  return deleteDB(workspaceDatabaseName(tenantId, agentId));
}

/** A conversation's messages in the order they were written. */
export function readConversationMessages(db: WorkspaceDatabase, conversationId: string): Promise<Message[]> {
  return db.getAllFromIndex('messages', 'byConversation', IDBKeyRange.bound([conversationId, ''], [conversationId, '\uffff']));
}
