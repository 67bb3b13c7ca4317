import { deleteDB, openDB, type DBSchema } from 'idb';

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
};

interface CredentialsSchema extends DBSchema {
  credentials: { key: 'current'; value: ReplayCredentials };
}

const databaseName = 'holdfast-replay-credentials';

function open() {
  return openDB<CredentialsSchema>(databaseName, 1, {
    upgrade(db) {
      db.createObjectStore('credentials');
    },
  });
}

export async function saveReplayCredentials(credentials: ReplayCredentials): Promise<void> {
  const db = await open();
  await db.put('credentials', credentials, 'current');
  db.close();
}

export async function readReplayCredentials(): Promise<ReplayCredentials | null> {
  const db = await open();
  const credentials = (await db.get('credentials', 'current')) ?? null;
  db.close();
  return credentials;
}

export function clearReplayCredentials(): Promise<void> {
  return deleteDB(databaseName);
}
