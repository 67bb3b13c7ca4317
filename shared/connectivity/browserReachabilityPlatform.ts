import type { ReachabilityPlatform } from './ReachabilityMonitor.js';

/** The browser's side of the reachability monitor (a page or a worker: `online`/`offline` events on the global). */
export function browserReachabilityPlatform(probe: ReachabilityPlatform['probe']): ReachabilityPlatform {
  return {
    probe,
    isBrowserOnline: () => navigator.onLine,
    onBrowserConnectivityChange: (listener) => {
      globalThis.addEventListener('online', listener);
      globalThis.addEventListener('offline', listener);
      return () => {
        globalThis.removeEventListener('online', listener);
        globalThis.removeEventListener('offline', listener);
      };
    },
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
    random: Math.random,
  };
}
