import { deleteDB } from 'idb';
import { askServiceWorkerToWipe, clearReplayCredentials, deleteOutboxDatabase, outboxDatabaseName, outboxDatabasePrefix } from 'holdfast/client';
import { deleteWorkspaceDatabase, isAgentDataCache, wipeAgentDataMessage, workspaceDatabaseName, workspaceDatabasePrefix } from '../../shared/workspace/client.js';

/**
 * Privacy on shared workstations: an agent's local data is theirs alone. Sign-out deletes their database
 * and every cache holding agent data (images, API answers); only the public app shell stays.
 */
export async function wipeAgentData(tenantId: string, agentId: string): Promise<void> {
  await Promise.all([deleteWorkspaceDatabase(tenantId, agentId), deleteOutboxDatabase(outboxScope(tenantId, agentId)), deleteAgentDataCaches()]);
}

/** The session was refused: Background Sync must not replay this agent's outbox until they sign in again. */
export function forgetReplayCredentials(tenantId: string, agentId: string): Promise<void> {
  return clearReplayCredentials(outboxScope(tenantId, agentId));
}

/** The outbox of one agent of one tenant. */
export function outboxScope(tenantId: string, agentId: string): string {
  return `${tenantId}:${agentId}`;
}

/**
 * Before an agent's first screen: remove what any *other* agent left behind (a session that expired
 * instead of signing out), so nothing of theirs stays readable in this browser.
 */
export async function wipeOtherAgentsData(tenantId: string, agentId: string): Promise<void> {
  const mine = [workspaceDatabaseName(tenantId, agentId), outboxDatabaseName(outboxScope(tenantId, agentId))];
  const prefixes = [`${workspaceDatabasePrefix}:`, `${outboxDatabasePrefix}:`];
  const databases = (await indexedDB.databases?.()) ?? [];
  await Promise.all([
    ...databases
      .map((database) => database.name)
      .filter((name): name is string => !!name && prefixes.some((prefix) => name.startsWith(prefix)) && !mine.includes(name))
      .map((name) => deleteDB(name)),
    deleteAgentDataCaches(),
  ]);
}

async function deleteAgentDataCaches(): Promise<void> {
  await askServiceWorkerToWipe(wipeAgentDataMessage);
  if (!('caches' in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter(isAgentDataCache).map((name) => caches.delete(name)));
}
