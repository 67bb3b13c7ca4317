import type { PrecacheEntry } from 'workbox-precaching';
import type { ManifestEntry } from 'holdfast/client';
import { compactWorkspaceActions, workspaceLegacyTargetField } from '../shared/client.js';
import { isAgentDataCache, mediaCacheName, wipeAgentDataMessage } from '../shared/cacheNames.js';
import { cacheMedia, collectTelemetry, defaultMediaLimits, replayOutboxOnSync, routeAssetsThroughCascade, serveAppShell, wipeOnSignOut } from 'holdfast/sw';

/**
 * The agent workspace's service worker, composed of the framework's parts: the app shell offline (every
 * in-app navigation, deep links included), the build's assets through the CDN cascade, attachments
 * cache-first, the outbox replayed by Background Sync after every tab is closed, client telemetry queued
 * through offline periods, and the agent's data wiped at sign-out. API calls are not cached here: the page keeps its data in IndexedDB.
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };
/** Injected by vite.sw.config.ts: the CDN hosts in order (CDN_HOSTS at build time), the build's asset digests, the cool-down. */
declare const __HOLDFAST_CDN_HOSTS__: string[];
declare const __HOLDFAST_ASSET_MANIFEST__: Record<string, ManifestEntry>;
declare const __HOLDFAST_CDN_COOL_DOWN_MS__: number;

// A new version waits for the agent's "Update" (app/client/registerServiceWorker.ts), then every tab moves to it.
serveAppShell({ manifest: self.__WB_MANIFEST, denylist: [/^\/api\//, /^\/media\//, /^\/(healthz|readyz|metrics|status)$/], takeOverAtOnce: false });
replayOutboxOnSync({ compaction: compactWorkspaceActions, legacyTargetField: workspaceLegacyTargetField });
// The demo's backend (PGlite, the server's code) is fetched only by a visitor who opens the demo, then kept.
const demoOnly = /^\/assets\/(demoBackendWorker|startDemo|pglite|initdb)-[\w-]+\.(js|wasm|data)$/;
routeAssetsThroughCascade({
  cdnHosts: __HOLDFAST_CDN_HOSTS__,
  manifest: __HOLDFAST_ASSET_MANIFEST__,
  coolDownMs: __HOLDFAST_CDN_COOL_DOWN_MS__,
  installSkip: (path) => demoOnly.test(path),
});
cacheMedia({ pathPrefix: '/media/', cacheName: mediaCacheName });
// What agents' browsers see (reachability, breakers, failovers, outbox), kept through offline periods.
const telemetry = collectTelemetry();
wipeOnSignOut({
  message: wipeAgentDataMessage,
  isUserDataCache: isAgentDataCache,
  expiringCaches: [{ cacheName: mediaCacheName, ...defaultMediaLimits }],
  alsoWipe: [telemetry.clear],
});
