import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { isSkipWaitingMessage } from '../shared/update/skipWaitingMessage.js';

declare const self: ServiceWorkerGlobalScope;

export type AppShellOptions = {
  /** The precache list the build injects (`self.__WB_MANIFEST`): the shell's files with their revisions. */
  manifest: (PrecacheEntry | string)[];
  /** The page that answers every in-app navigation, deep links included; default `/index.html`. */
  navigationFallback?: string;
  /** Navigations not to answer with the shell (the API, media); default none. */
  denylist?: RegExp[];
  /**
   * A new version takes over at once (skipWaiting); default true. Safe for queued work when the app's
   * outbox lives in IndexedDB, not in the worker, but it swaps the code under open tabs. False: a new
   * version installs and waits until a page posts `skipWaitingMessage` (the user's "Update", through the
   * client's ServiceWorkerUpdates), then every tab moves to it together.
   */
  takeOverAtOnce?: boolean;
};

/**
 * The app shell offline: Workbox precaches it and answers every in-app navigation with the precached
 * page, so a cold start with no network renders the app.
 */
export function serveAppShell({ manifest, navigationFallback = '/index.html', denylist = [], takeOverAtOnce = true }: AppShellOptions): void {
  if (takeOverAtOnce) void self.skipWaiting();
  else {
    self.addEventListener('message', (event) => {
      if (isSkipWaitingMessage(event.data)) void self.skipWaiting();
    });
  }
  // The first install controls the open page at once (offline from the first visit); an update, once
  // active, controls every tab of the old one, each of which then reloads onto it.
  clientsClaim();
  cleanupOutdatedCaches();
  precacheAndRoute(manifest);
  registerRoute(new NavigationRoute(createHandlerBoundToURL(navigationFallback), { denylist }));
}
