import { releaseConnections } from './openConnections.js';

/** The page's events and its reload; `window` and `location` in a browser. */
export type BackForwardCachePage = {
  addEventListener(type: 'pagehide' | 'pageshow', listener: (event: { persisted: boolean }) => void): void;
  removeEventListener(type: 'pagehide' | 'pageshow', listener: (event: { persisted: boolean }) => void): void;
  reload(): void;
};

/**
 * A page the browser keeps in its back/forward cache is frozen as it is. WebKit keeps an app's pages there,
 * and a frozen page still holding an IndexedDB transaction, a Web Lock or a stream stalled every later page
 * of the app behind it: the inbox never read, replies never sent (tests/engines/backForwardCache.spec.ts).
 * So a page going into the cache stops (`stop`: the app's locks, streams and timers), aborts the IndexedDB
 * transactions still open and closes every connection; a page coming back from the cache loads afresh —
 * from IndexedDB, then the server — rather than resuming what was stopped. Answers the undo.
 */
export function releaseInBackForwardCache(stop: () => void, page: BackForwardCachePage = browserPage()): () => void {
  const hidden = (event: { persisted: boolean }) => {
    if (!event.persisted) return;
    stop();
    releaseConnections();
  };
  const shown = (event: { persisted: boolean }) => {
    if (event.persisted) page.reload();
  };
  page.addEventListener('pagehide', hidden);
  page.addEventListener('pageshow', shown);
  return () => {
    page.removeEventListener('pagehide', hidden);
    page.removeEventListener('pageshow', shown);
  };
}

function browserPage(): BackForwardCachePage {
  // Typed by hand: this folder has no DOM types (it serves the worker too).
  const page = globalThis as unknown as Omit<BackForwardCachePage, 'reload'> & { location: { reload(): void } };
  return {
    addEventListener: (type, listener) => page.addEventListener(type, listener),
    removeEventListener: (type, listener) => page.removeEventListener(type, listener),
    reload: () => page.location.reload(),
  };
}
