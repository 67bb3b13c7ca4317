import { createOfflineClient, type OfflineClient, type SettledActions } from 'holdfast/client';
import {
  compactWorkspaceActions,
  isAgentDataCache,
  mediaCacheName,
  wipeAgentDataMessage,
  workspaceDatabaseName,
  workspaceLegacyTargetField,
} from '../../shared/client.js';
import type { SyncPage } from '../api/ApiClient.js';
import { outboxScope } from './localData.js';
import { localNamespace } from './localNamespace.js';
import type { WorkspaceRepository } from './workspaceRepository.js';
import type { workspaceStoreDefaults } from './workspaceStoreOptions.js';

export type WorkspaceClientHooks = {
  repository: WorkspaceRepository;
  readDeadlineMs: () => number;
  applyPage: (page: SyncPage) => Promise<void>;
  onSettled: (settled: SettledActions) => void;
  onReconnected: () => void;
};

/** The framework's client as the workspace composes it: its scope, API, action rules, media cache and sign-out. */
export function workspaceClient(options: ReturnType<typeof workspaceStoreDefaults>, hooks: WorkspaceClientHooks): OfflineClient {
  const { api, tenantId, me, origins } = options;
  const namespace = localNamespace();
  return createOfflineClient<SyncPage>({
    scope: outboxScope(tenantId, me.id),
    network: { fetch: origins?.fetch, url: origins?.url, origins: origins?.origins, readTimeoutMs: hooks.readDeadlineMs },
    sync: {
      // A pull from the very start (a first sync) asks how much there is, for its progress.
      fetchPage: (cursor, signal, { first, minPosition }) => api.sync(cursor, signal, { count: first, minPosition }),
      applyPage: hooks.applyPage,
      readStoredCursor: () => hooks.repository.storedCursor(),
      isPage: (page) => Array.isArray(page.conversations) && Array.isArray(page.messages),
      prefetch: options.syncPrefetch,
    },
    compaction: compactWorkspaceActions,
    legacyTargetField: workspaceLegacyTargetField,
    // Storage full as an action is queued: images can be fetched again, the agent's action cannot.
    makeRoom: async () => void (typeof caches !== 'undefined' && (await caches.delete(mediaCacheName))),
    onSettled: hooks.onSettled,
    onSessionExpired: options.onSessionExpired,
    onReconnected: hooks.onReconnected,
    backgroundReplay: options.backgroundReplay,
    // The demo (a namespace) deletes only its own: it has no caches and no worker of its own.
    signOut: {
      endSession: options.endSession,
      databases: () => [workspaceDatabaseName(tenantId, me.id, namespace)],
      isUserDataCache: namespace ? () => false : isAgentDataCache,
      workerMessage: namespace ? undefined : wipeAgentDataMessage,
    },
  });
}
