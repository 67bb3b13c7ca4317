import { matchPrecache } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { AssetCascade, BreakerStore, HostHealth, type CascadeEvent, type HostState, type ManifestEntry } from '../shared/cascade/index.js';

declare const self: ServiceWorkerGlobalScope;
/** Injected by vite.sw.config.ts: the CDN hosts in order (CDN_HOSTS at build time), and the build's asset digests. */
declare const __HOLDFAST_CDN_HOSTS__: string[];
declare const __HOLDFAST_ASSET_MANIFEST__: Record<string, ManifestEntry>;

export const assetCacheName = 'holdfast-assets';
export const cascadeEventMessage = 'holdfast:cascade-event';

export type CascadeNotice = CascadeEvent | { type: 'breaker'; host: string; from: HostState; to: HostState };

/**
 * Every content-hashed asset the page asks for — from any host of the list, or the origin — comes through
 * the cascade: the precache first, then the runtime cache, then the hosts in order with their breakers.
 * Cached by path, so a copy fetched from the secondary also answers requests naming the primary.
 */
export function routeAssetsThroughCascade(): void {
  const hosts = [...__HOLDFAST_CDN_HOSTS__, self.location.origin];
  let cascade: Promise<AssetCascade> | undefined;
  const ready = () =>
    (cascade ??= BreakerStore.open().then(async (store) => {
      const health = new HostHealth({
        hosts,
        saved: await store.loadAll(hosts),
        save: (host, state) => store.save(host, state),
        onTransition: (host, from, to) => void tell({ type: 'breaker', host, from, to }),
      });
      return new AssetCascade({ hosts, manifest: __HOLDFAST_ASSET_MANIFEST__, health, onEvent: (event) => void tell(event) });
    }));

  registerRoute(
    ({ url }) => hosts.includes(url.origin) && url.pathname.startsWith('/assets/'),
    async ({ request, url }) => {
      const precached = await matchPrecache(url.pathname);
      if (precached) return precached;
      const cache = await caches.open(assetCacheName);
      const cached = await cache.match(url.pathname);
      if (cached) return cached;
      // CORS for every host: a digest can only be checked on bytes the worker may read.
      const response = await (await ready()).fetch(url.pathname, { mode: 'cors', credentials: request.credentials === 'include' ? 'include' : 'omit' });
      await cache.put(url.pathname, response.clone());
      return response;
    },
  );
}

/** Every open page hears which host served what and each breaker transition (for its status view and monitoring). */
async function tell(notice: CascadeNotice): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage({ type: cascadeEventMessage, notice });
}
