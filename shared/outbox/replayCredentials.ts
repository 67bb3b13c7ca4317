import { deleteDB, type DBSchema } from 'idb';
import { openVersionedDatabase, type Migration } from '../store/openVersionedDatabase.js';

/**
 * What the service worker needs to replay an outbox after every tab is closed (Background Sync): which
 * outbox, where to send it, and the headers that authorise it. With a cookie session (the reference
 * app), those headers hold no secret — the browser adds the HttpOnly cookie to the worker's request —
 * so nothing here is worth stealing. Kept in a database of its own, never in the outbox (whose entries
 * hold actions only); written at sign-in, deleted at sign-out and when the server refuses the session.
 */
export type ReplayCredentials = {
  scope: string;
  endpoint: string;
  headers: Record<string, string>;
  /** Readiness URL (200: the server and its database work), for telling a poison action from an outage. */
  probeUrl?: string;
  /** The API's regions, preferred first (ApiOrigins): the worker's replay follows the healthy one too. */
  origins?: readonly string[];
};

interface CredentialsSchema extends DBSchema {
  /** One record per outbox, keyed by its scope: several apps or agents' outboxes on one origin each replay. */
  credentials: { key: string; value: ReplayCredentials };
}

const databaseName = 'holdfast-replay-credentials';

const migrations: readonly Migration<CredentialsSchema>[] = [
  // v1: one record, under the key 'current'.
  (db) => {
    db.createObjectStore('credentials');
  },
  // v2: keyed by the outbox's scope. The one record of v1 is deleted, not moved: it held a bearer token,
  // which must not outlive the upgrade, and the page writes a fresh record (no secret) when it starts.
  (_db, tx) => {
    void tx.objectStore('credentials').delete('current');
  },
];

function open() {
  return openVersionedDatabase<CredentialsSchema>({ name: databaseName, migrations });
}

export async function saveReplayCredentials(credentials: ReplayCredentials): Promise<void> {
  const db = await open();
  await db.put('credentials', credentials, credentials.scope);
  db.close();
}

export async function readReplayCredentials(scope: string): Promise<ReplayCredentials | null> {
  const db = await open();
  const credentials = (await db.get('credentials', scope)) ?? null;
  db.close();
  return credentials;
}

/** Forgets one outbox's credentials (sign-out, a refused session); the database goes with the last record. */
export async function clearReplayCredentials(scope: string): Promise<void> {
  const db = await open();
  await db.delete('credentials', scope);
  const left = await db.count('credentials');
  db.close();
  if (left === 0) await deleteDB(databaseName);
}
