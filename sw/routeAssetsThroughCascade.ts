import { registerRoute } from 'workbox-routing';
import { assetCacheName, cascadeEventMessage, cascadeStateRequest, type BreakerSnapshot, type CascadeNotice, type ManifestEntry } from '../shared/client.js';
import { AssetCascade, BreakerStore, cascadeDefaults, HostHealth } from '../shared/internal.js';

declare const self: ServiceWorkerGlobalScope;

export type AssetCascadeRouteOptions = {
  /** CDN hosts in order of preference; the worker's origin is always added last. */
  cdnHosts: readonly string[];
  /** The build's content-hashed assets: path → digest, size, content type. */
  manifest: Readonly<Record<string, ManifestEntry>>;
  /** First cool-down of a failed host before a probe (jittered, doubling up to 5 minutes); default 10 s. */
  coolDownMs?: number;
  /** How many assets install fetches at once; default 4. */
  installConcurrency?: number;
  /**
   * Assets install leaves out (still served through the cascade and kept on first use): parts only some
   * visitors load — the workspace's demo backend is 15 MB of PGlite that a normal visit never needs.
   */
  installSkip?: (path: string) => boolean;
};

/**
 * The build's content-hashed assets — scripts, module chunks, CSS, fonts, images — come through the CDN
 * cascade, from any host of the list or the origin:
 *
 * - install fetches every asset of the manifest through the cascade and keeps it (by path): the offline
 *   cold start needs them, and a release whose assets no host can serve does not install. Workbox's
 *   precache would fetch each from one URL, without the cascade or its checks, so it keeps only the shell;
 * - activate drops assets no longer in the manifest;
 * - a request for an asset is answered from that cache, else through the cascade, and kept. A copy
 *   fetched from the secondary answers requests naming the primary too.
 */
export function routeAssetsThroughCascade({
  cdnHosts,
  manifest,
  coolDownMs = cascadeDefaults.coolDownMs,
  installConcurrency = 4,
  installSkip = () => false,
}: AssetCascadeRouteOptions): void {
  const hosts = [...cdnHosts, self.location.origin];
  let health: HostHealth | undefined;
  let cascade: Promise<AssetCascade> | undefined;
  const ready = () =>
    (cascade ??= BreakerStore.open().then(async (store) => {
      health = new HostHealth({
        hosts,
        saved: await store.loadAll(hosts),
        coolDown: { initialMs: coolDownMs, maxMs: Math.max(coolDownMs, cascadeDefaults.maxCoolDownMs) },
        save: (host, state) => store.save(host, state),
        onTransition: (host, from, to) => void tell({ type: 'breaker', host, from, to }),
      });
      return new AssetCascade({ hosts, manifest, health, onEvent: (event) => void tell({ ...event, source: 'worker' }) });
    }));
  // CORS for every host: a digest can only be checked on bytes the worker may read.
  const fetchAndKeep = async (path: string, cache: Cache, credentials: RequestCredentials = 'omit') => {
    const response = await (await ready()).fetch(path, { mode: 'cors', credentials });
    await cache.put(path, response.clone());
    return response;
  };

  // A page starting up asks for the breakers: its assets may all come from the cache, with no notice.
  self.addEventListener('message', (event) => {
    if ((event.data as { type?: string } | null)?.type !== cascadeStateRequest) return;
    event.waitUntil(
      ready().then(() => {
        const snapshot: BreakerSnapshot = hosts.map((host) => ({ host, state: health!.state(host) }));
        event.ports[0]?.postMessage(snapshot);
      }),
    );
  });
  self.addEventListener('install', (event) => {
    event.waitUntil(
      (async () => {
        const cache = await caches.open(assetCacheName);
        const queue = Object.keys(manifest).filter((path) => !installSkip(path));
        const worker = async () => {
          for (let path = queue.shift(); path !== undefined; path = queue.shift()) if (!(await cache.match(path))) await fetchAndKeep(path, cache);
        };
        await Promise.all(Array.from({ length: installConcurrency }, worker));
      })(),
    );
  });
  self.addEventListener('activate', (event) => {
    event.waitUntil(
      (async () => {
        const cache = await caches.open(assetCacheName);
        for (const request of await cache.keys()) if (!manifest[new URL(request.url).pathname]) await cache.delete(request);
      })(),
    );
  });

  registerRoute(
    ({ url }) => hosts.includes(url.origin) && url.pathname.startsWith('/assets/'),
    async ({ request, url }) => {
      const cache = await caches.open(assetCacheName);
      // Credentials only where the page asked for them in CORS mode. A no-cors request (a CSS image) is
      // sent with credentials by default, and a CDN answering `*` rejects a credentialed CORS request.
      const credentials = request.mode === 'cors' && request.credentials === 'include' ? 'include' : 'omit';
      return (await cache.match(url.pathname)) ?? fetchAndKeep(url.pathname, cache, credentials);
    },
  );
}

/** Every open page hears which host served what and each breaker transition (for its status view and monitoring). */
async function tell(notice: CascadeNotice): Promise<void> {
  // Uncontrolled windows too: a first visit's page hears what the worker's install went through.
  for (const client of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) client.postMessage({ type: cascadeEventMessage, notice });
}
