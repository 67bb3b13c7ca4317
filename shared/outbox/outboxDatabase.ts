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
  (db) => {
    const pending = db.createObjectStore('pending', { keyPath: 'seq', autoIncrement: true });
    pending.createIndex('byActionId', 'action.id', { unique: true });
    db.createObjectStore('failed', { keyPath: 'action.id' });
    db.createObjectStore('meta');
  },
];

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
