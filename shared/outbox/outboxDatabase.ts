import { deleteDB, type DBSchema, type IDBPDatabase } from 'idb';
import { openVersionedDatabase, type Migration } from '../store/openVersionedDatabase.js';
import type { FailedAction, OutboxEntry, PauseReason, ReplayStats } from './outboxTypes.js';

/**
 * The outbox's own IndexedDB database, one per scope (for the workspace: one per tenant and agent). The
 * core owns this schema, so an app never migrates it and the service worker can open it without knowing
 * the app's schema. Pending actions are an overlay the app draws over its local store, so appending one
 * is a single small write here, not a transaction across the app's stores.
 *
 * `meta` holds `paused` (a PauseReason) and `lastReplay` (ReplayStats).
 */
export interface OutboxSchema extends DBSchema {
  pending: { key: number; value: OutboxEntry; indexes: { byActionId: string } };
  failed: { key: string; value: FailedAction };
  meta: { key: string; value: PauseReason | ReplayStats };
}

export type OutboxDatabase = IDBPDatabase<OutboxSchema>;

export const outboxMigrations: readonly Migration<OutboxSchema>[] = [
  // v1: the queue, the failed list, bookkeeping.
  (db) => {
    const pending = db.createObjectStore('pending', { keyPath: 'seq', autoIncrement: true });
    pending.createIndex('byActionId', 'action.id', { unique: true });
    db.createObjectStore('failed', { keyPath: 'action.id' });
    db.createObjectStore('meta');
  },
  // v2: the envelope names its target `targetId` (it was `conversationId`). Queued and failed actions of
  // the earlier version are rewritten in place, in the upgrade's own transaction: none is lost, and none
  // is sent in the old shape.
  (_db, tx) => {
    void renameTargets(tx);
  },
];

type UpgradeTransaction = Parameters<Migration<OutboxSchema>>[1];

async function renameTargets(tx: UpgradeTransaction): Promise<void> {
  for (const storeName of ['pending', 'failed'] as const) {
    let cursor = await tx.objectStore(storeName).openCursor();
    while (cursor) {
      const action = cursor.value.action as OutboxEntry['action'] & { conversationId?: string };
      if (action.targetId === undefined && action.conversationId !== undefined) {
        const { conversationId, ...rest } = action;
        await cursor.update({ ...cursor.value, action: { ...rest, targetId: conversationId } });
      }
      cursor = await cursor.continue();
    }
  }
}

export const outboxDatabasePrefix = 'holdfast-outbox';

export function outboxDatabaseName(scope: string): string {
  return `${outboxDatabasePrefix}:${scope}`;
}

export function openOutboxDatabase(scope: string, onVersionChange?: () => void): Promise<OutboxDatabase> {
  return openVersionedDatabase<OutboxSchema>({ name: outboxDatabaseName(scope), migrations: outboxMigrations, onVersionChange });
}

export function deleteOutboxDatabase(scope: string): Promise<void> {
  return deleteDB(outboxDatabaseName(scope));
}
