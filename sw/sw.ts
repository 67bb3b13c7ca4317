import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { clientsClaim } from 'workbox-core';
import { CacheExpiration, ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { isAgentDataCache, mediaCacheName, wipeAgentDataMessage } from '../shared/workspace/cacheNames.js';
import { routeAssetsThroughCascade } from './assetCascadeRoute.js';
import { replayOutboxOnSync } from './outboxSync.js';

/**
 * The service worker. Workbox precaches the app shell (the list is injected at build time by
 * vite.sw.config.ts) and answers every in-app navigation — deep links such as /conversations/<id>
 * included — with the precached index.html, so a cold start with no network renders the workspace.
 * Attachments are cache-first: a media URL is signed and never changes, so a cached copy is always right;
 * the cache is bounded by count and age and purged when the browser runs out of quota.
 * API calls are not cached here: the page keeps its data in IndexedDB.
 * Background Sync drains the outbox when every tab is closed (outboxSync.ts).
 *
 * skipWaiting + clientsClaim stay: a new version takes over at once, and that is safe for queued work
 * because the outbox is in IndexedDB, not in the worker — a replay cut off by the switch is re-sent, and
 * the server's id check makes that harmless (tested: a new worker activated with 100 actions pending).
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

export const mediaCacheLimits = { maxEntries: 2000, maxAgeSeconds: 60 * 60 * 24 * 30 };

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
replayOutboxOnSync();
routeAssetsThroughCascade();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/media\//] }));
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/media/') && request.method === 'GET',
  new CacheFirst({
    cacheName: mediaCacheName,
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ ...mediaCacheLimits, purgeOnQuotaError: true }),
    ],
  }),
);

/**
 * Sign-out: the page asks us to wipe the agent's data we keep. Besides the caches, workbox-expiration
 * records every cached URL (signed media URLs name the tenant) in its own IndexedDB database, which the
 * page cannot delete while we hold it open; a fresh CacheExpiration clears those records whatever this
 * worker's lifetime.
 */
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type !== wipeAgentDataMessage) return;
  event.waitUntil(
    (async () => {
      await new CacheExpiration(mediaCacheName, mediaCacheLimits).delete();
      for (const name of await caches.keys()) if (isAgentDataCache(name)) await caches.delete(name);
      event.ports[0]?.postMessage('wiped');
    })(),
  );
});
