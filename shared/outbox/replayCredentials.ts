import { deleteDB, openDB, type DBSchema } from 'idb';

/**
 * What the service worker needs to replay an outbox after every tab is closed (Background Sync): which
 * outbox, and the bearer token to send it with. Kept in a database of its own — never in the outbox,
 * whose entries hold actions only — written at sign-in, deleted at sign-out and when the server refuses
 * the token. It is exactly as exposed as the page's own session (same origin storage).
 */
export type ReplayCredentials = { scope: string; token: string; endpoint: string };

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
