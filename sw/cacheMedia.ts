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
 * Media cache-first: media never changes under one path (a content id), so a cached copy is always right.
 * Cached by path alone: the query is the URL's signature and expiry (app/server/MediaSigner.ts),
 * which change with every fresh URL for the same image, and must not make it a new download or a miss
 * offline. Only 200 answers are kept; bounded by count and age.
 */
export function cacheMedia({
  pathPrefix,
  cacheName,
  maxEntries = defaultMediaLimits.maxEntries,
  maxAgeSeconds = defaultMediaLimits.maxAgeSeconds,
}: MediaCacheOptions): void {
  registerRoute(
    ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith(pathPrefix) && request.method === 'GET',
    new CacheFirst({
      cacheName,
      plugins: [
        { cacheKeyWillBeUsed: async ({ request }) => new URL(request.url).origin + new URL(request.url).pathname },
        new CacheableResponsePlugin({ statuses: [200] }),
        new ExpirationPlugin({ maxEntries, maxAgeSeconds, purgeOnQuotaError: true }),
      ],
    }),
  );
}
