import type { ReachabilityPlatform } from 'holdfast/client';

/** The browser's side of the reachability monitor. */
export function browserReachabilityPlatform(probe: ReachabilityPlatform['probe']): ReachabilityPlatform {
  return {
    probe,
    isBrowserOnline: () => navigator.onLine,
    onBrowserConnectivityChange: (listener) => {
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    random: Math.random,
  };
}
