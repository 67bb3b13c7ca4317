import { deleteDB } from 'idb';
import { askServiceWorkerToWipe, outboxDatabaseName, outboxDatabasePrefix } from 'holdfast/client';
import { isAgentDataCache, wipeAgentDataMessage, workspaceDatabaseName, workspaceDatabasePrefix } from '../../shared/client.js';
import { demoNamespace, localNamespace } from './localNamespace.js';

/**
 * Privacy on shared workstations: an agent's local data is theirs alone. Sign-out (WorkspaceStore.signOut,
 * through the framework's client) deletes their database, their outbox and every cache holding agent data;
 * what another agent left behind is wiped at the next fresh sign-in (wipeOtherAgentsData). The demo
 * (localNamespace) touches only its own: its databases are named apart, and it has no caches of its own.
 */

/** Where the agent's local-data marker (LocalDataMarker) is kept, in localStorage, apart from the data it guards. */
export function localDataMarkerKey(tenantId: string, agentId: string): string {
  const namespace = localNamespace();
  return `holdfast.${namespace ? `${namespace}.` : ''}local-data:${tenantId}:${agentId}`;
}

/** The outbox of one agent of one tenant; the demo's are `demo:<tenant>:<agent>` (tenant ids are UUIDs: no clash). */
export function outboxScope(tenantId: string, agentId: string): string {
  const namespace = localNamespace();
  return `${namespace ? `${namespace}:` : ''}${tenantId}:${agentId}`;
}

/** The local databases of this world (real, or the demo's): the demo's outboxes and workspaces are named apart. */
function isOfThisWorld(name: string): boolean {
  const namespace = localNamespace();
  const demoOutbox = `${outboxDatabasePrefix}:${namespace ?? demoNamespace}:`;
  if (namespace) return name.startsWith(demoOutbox) || name.startsWith(`${workspaceDatabasePrefix}-${namespace}:`);
  return (name.startsWith(`${outboxDatabasePrefix}:`) && !name.startsWith(demoOutbox)) || name.startsWith(`${workspaceDatabasePrefix}:`);
}

/**
 * Before an agent's first screen: remove what any *other* agent of this world left behind (a session that
 * expired instead of signing out), so nothing of theirs stays readable in this browser.
 */
export async function wipeOtherAgentsData(tenantId: string, agentId: string): Promise<void> {
  const mine = [workspaceDatabaseName(tenantId, agentId, localNamespace()), outboxDatabaseName(outboxScope(tenantId, agentId))];
  const databases = (await indexedDB.databases?.()) ?? [];
  // Their markers go with their data: their next sign-in here is a fresh device, not an eviction.
  const markerPrefix = localDataMarkerKey('', '').slice(0, -1);
  const myMarker = localDataMarkerKey(tenantId, agentId);
  for (const key of Object.keys(localStorage)) if (key.startsWith(markerPrefix) && key !== myMarker) localStorage.removeItem(key);
  await Promise.all([
    ...databases
      .map((database) => database.name)
      .filter((name): name is string => !!name && isOfThisWorld(name) && !mine.includes(name))
      .map((name) => deleteDB(name)),
    localNamespace() ? undefined : deleteAgentDataCaches(),
  ]);
}

async function deleteAgentDataCaches(): Promise<void> {
  await askServiceWorkerToWipe(wipeAgentDataMessage);
  if (!('caches' in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter(isAgentDataCache).map((name) => caches.delete(name)));
}
