import type { OutboxClientPlatform } from './OutboxClient.js';

/** What a page (window, document) offers for wake-ups, as far as used here. */
type WakeTarget = {
  addEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void;
  removeEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void;
};

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/**
 * The browser's Web Locks, BroadcastChannel, Background Sync, wake-ups (online, focus, visible, restored
 * from the back/forward cache) and the freezing of a tab, for an OutboxClient in a page. Each is optional: where the browser lacks
 * one, the outbox still works, with less (one tab replays alone, or the queue drains only while a tab is
 * open: at its start, at each wake-up, and on the replay's own backoff timer).
 */
export function browserOutboxPlatform(): OutboxClientPlatform {
  return {
    locks: typeof navigator !== 'undefined' ? navigator.locks : undefined,
    openChannel: (name) => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined),
    requestBackgroundSync: async (tag) => {
      const registration = (await navigator.serviceWorker?.getRegistration()) as SyncRegistration | undefined;
      await registration?.sync?.register(tag);
    },
    onWake: (wake) => {
      // Typed by hand: this folder has no DOM types (it serves the worker too), and a worker has no wake-ups.
      const page = globalThis as unknown as Partial<WakeTarget> & { document?: WakeTarget & { visibilityState?: string } };
      const { document } = page;
      if (!document || !page.addEventListener || !page.removeEventListener) return () => {};
      const visible = () => document.visibilityState === 'visible' && wake();
      const restored = (event: { persisted?: boolean }) => event.persisted === true && wake();
      page.addEventListener('online', wake);
      page.addEventListener('focus', wake);
      page.addEventListener('pageshow', restored);
      document.addEventListener('visibilitychange', visible);
      return () => {
        page.removeEventListener!('online', wake);
        page.removeEventListener!('focus', wake);
        page.removeEventListener!('pageshow', restored);
        document.removeEventListener('visibilitychange', visible);
      };
    },
    onFreeze: (freeze, resume) => {
      // The Page Lifecycle events, on the document (Chromium; other engines have none and never freeze a tab this way).
      const { document } = globalThis as unknown as { document?: WakeTarget };
      if (!document) return () => {};
      document.addEventListener('freeze', freeze);
      document.addEventListener('resume', resume);
      return () => {
        document.removeEventListener('freeze', freeze);
        document.removeEventListener('resume', resume);
      };
    },
  };
}
