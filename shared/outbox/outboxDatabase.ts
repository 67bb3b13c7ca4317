import type { DBSchema, IDBPDatabase } from 'idb';
import { openVersionedDatabase, type Migration } from '../store/openVersionedDatabase.js';
import { withTargetId } from '../core/withTargetId.js';
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

/**
 * The schema's steps. `legacyTargetField`: the name the app's earlier version gave the envelope's target
 * (see ActionRegistryOptions); v2 rewrites queued and failed actions of v1 to `targetId`.
 */
export function outboxMigrations(legacyTargetField?: string): readonly Migration<OutboxSchema>[] {
  return [
    // v1: the queue, the failed list, bookkeeping.
    (db) => {
      const pending = db.createObjectStore('pending', { keyPath: 'seq', autoIncrement: true });
      pending.createIndex('byActionId', 'action.id', { unique: true });
      db.createObjectStore('failed', { keyPath: 'action.id' });
      db.createObjectStore('meta');
    },
    // v2: the envelope names its target `targetId`. Queued and failed actions of v1 are rewritten in place,
    // in the upgrade's own transaction: none is lost, and none is sent in the old shape.
    (_db, tx) => {
      if (legacyTargetField) void renameTargets(tx, legacyTargetField);
    },
  ];
}

type UpgradeTransaction = Parameters<Migration<OutboxSchema>>[1];

async function renameTargets(tx: UpgradeTransaction, legacyField: string): Promise<void> {
  for (const storeName of ['pending', 'failed'] as const) {
    let cursor = await tx.objectStore(storeName).openCursor();
    while (cursor) {
      const action = withTargetId(cursor.value.action, legacyField) as OutboxEntry['action'];
      if (action !== cursor.value.action) await cursor.update({ ...cursor.value, action });
      cursor = await cursor.continue();
    }
  }
}

export const outboxDatabasePrefix = 'holdfast-outbox';

export function outboxDatabaseName(scope: string): string {
  return `${outboxDatabasePrefix}:${scope}`;
}

export type OutboxDatabaseOptions = { onVersionChange?: () => void; legacyTargetField?: string };

export function openOutboxDatabase(scope: string, { onVersionChange, legacyTargetField }: OutboxDatabaseOptions = {}): Promise<OutboxDatabase> {
  return openVersionedDatabase<OutboxSchema>({ name: outboxDatabaseName(scope), migrations: outboxMigrations(legacyTargetField), onVersionChange });
}
