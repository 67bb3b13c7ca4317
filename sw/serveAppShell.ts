import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

export type AppShellOptions = {
  /** The precache list the build injects (`self.__WB_MANIFEST`): the shell's files with their revisions. */
  manifest: (PrecacheEntry | string)[];
  /** The page that answers every in-app navigation, deep links included; default `/index.html`. */
  navigationFallback?: string;
  /** Navigations not to answer with the shell (the API, media); default none. */
  denylist?: RegExp[];
  /**
   * A new version takes over at once (skipWaiting + clientsClaim); default true. Safe for queued work
   * when the app's outbox lives in IndexedDB, not in the worker.
   */
  takeOverAtOnce?: boolean;
};

/**
 * The app shell offline: Workbox precaches it and answers every in-app navigation with the precached
 * page, so a cold start with no network renders the app.
 */
export function serveAppShell({ manifest, navigationFallback = '/index.html', denylist = [], takeOverAtOnce = true }: AppShellOptions): void {
  if (takeOverAtOnce) {
    void self.skipWaiting();
    clientsClaim();
  }
  cleanupOutdatedCaches();
  precacheAndRoute(manifest);
  registerRoute(new NavigationRoute(createHandlerBoundToURL(navigationFallback), { denylist }));
}
