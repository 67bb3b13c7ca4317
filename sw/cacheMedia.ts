import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { ExpirationPlugin } from 'workbox-expiration';
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope;

export type MediaCacheOptions = {
  /** Same-origin GET requests under this path prefix are media, e.g. `/media/`. */
  pathPrefix: string;
  cacheName: string;
  /** Bounds; defaults 2,000 entries and 30 days. The cache is purged when the browser runs out of quota. */
  maxEntries?: number;
  maxAgeSeconds?: number;
};

export const defaultMediaLimits = { maxEntries: 2000, maxAgeSeconds: 60 * 60 * 24 * 30 };

/**
 * Media cache-first: a media URL that never changes (signed, or content-addressed) makes a cached copy
 * always right. Only 200 answers are kept; bounded by count and age.
 */
export function cacheMedia({ pathPrefix, cacheName, maxEntries = defaultMediaLimits.maxEntries, maxAgeSeconds = defaultMediaLimits.maxAgeSeconds }: MediaCacheOptions): void {
  registerRoute(
    ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith(pathPrefix) && request.method === 'GET',
    new CacheFirst({
      cacheName,
      plugins: [new CacheableResponsePlugin({ statuses: [200] }), new ExpirationPlugin({ maxEntries, maxAgeSeconds, purgeOnQuotaError: true })],
    }),
  );
}
