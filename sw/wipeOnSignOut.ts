import { CacheExpiration } from 'workbox-expiration';

declare const self: ServiceWorkerGlobalScope;

export type WipeOptions = {
  /** The message type a page posts to ask for the wipe (it waits for the answer on the port it sends). */
  message: string;
  /** Which Cache Storage caches hold the user's data (the shell and public assets do not). */
  isUserDataCache: (cacheName: string) => boolean;
  /** Caches bounded by workbox-expiration, whose records (the cached URLs) are deleted too. */
  expiringCaches?: { cacheName: string; maxEntries?: number; maxAgeSeconds?: number }[];
  /** Other worker-held data to wipe before answering (e.g. the telemetry queue's `clear`). */
  alsoWipe?: (() => Promise<void>)[];
};

/**
 * Sign-out on a shared machine: the page asks the worker to wipe the user's data it keeps. Besides the
 * caches, workbox-expiration records every cached URL (which may name the tenant) in its own IndexedDB
 * database, which the page cannot delete while the worker holds it open; a fresh CacheExpiration clears
 * those records whatever this worker's lifetime.
 */
export function wipeOnSignOut({ message, isUserDataCache, expiringCaches = [], alsoWipe = [] }: WipeOptions): void {
  self.addEventListener('message', (event) => {
    if ((event.data as { type?: string } | null)?.type !== message) return;
    event.waitUntil(
      (async () => {
        for (const { cacheName, ...limits } of expiringCaches) await new CacheExpiration(cacheName, limits).delete();
        for (const name of await caches.keys()) if (isUserDataCache(name)) await caches.delete(name);
        for (const wipe of alsoWipe) await wipe();
        event.ports[0]?.postMessage('wiped');
      })(),
    );
  });
}
