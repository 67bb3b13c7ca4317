import { CascadeMonitor, cascadeEventMessage, cascadeStateRequest, type BreakerSnapshot, type CascadeNotice } from 'holdfast/client';

/** Injected by vite.config.ts: the CDN hosts of this build, in order (none without CDN_HOSTS). */
declare const __HOLDFAST_CDN_HOSTS__: string[];

type PageLoaderChannel = { notices: CascadeNotice[]; listeners: ((notice: CascadeNotice) => void)[] };

declare global {
  interface Window {
    /** Written by the fallback loader inlined into index.html (build/fallbackLoader/pageAssetLoader.ts). */
    holdfastAssetLoader?: PageLoaderChannel;
  }
}

/** The health of this page's asset hosts, the origin last. */
export const cascadeMonitor = new CascadeMonitor([...__HOLDFAST_CDN_HOSTS__, location.origin]);

/**
 * Feeds the monitor everything there is to hear: what the page's fallback loader reported before this
 * script ran and reports after, the worker's notices, and — since a page served from the worker's cache
 * hears no notice — the worker's breaker states.
 */
export function listenToCascade(): void {
  // biome-ignore lint/suspicious/noAssignInExpressions: the shortest form: this is on the sign-in page, within its byte budget
  const loader = (window.holdfastAssetLoader ??= { notices: [], listeners: [] });
  for (const notice of loader.notices) cascadeMonitor.record(notice);
  loader.listeners.push((notice) => cascadeMonitor.record(notice));
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; notice?: CascadeNotice }>) => {
    if (event.data?.type === cascadeEventMessage && event.data.notice) cascadeMonitor.record(event.data.notice);
  });
  const askWorker = (worker: ServiceWorker | null) => {
    if (!worker) return;
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<BreakerSnapshot>) => cascadeMonitor.applyBreakers(event.data);
    worker.postMessage({ type: cascadeStateRequest }, [channel.port2]);
  };
  askWorker(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => askWorker(navigator.serviceWorker.controller));
}
