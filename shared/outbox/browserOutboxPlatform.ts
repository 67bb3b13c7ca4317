import type { OutboxClientPlatform } from './OutboxClient.js';

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/**
 * The browser's Web Locks, BroadcastChannel and Background Sync, for an OutboxClient in a page. Each is
 * optional: where the browser lacks one, the outbox still works, with less (one tab replays alone, or the
 * queue drains only while a tab is open).
 */
export function browserOutboxPlatform(): OutboxClientPlatform {
  return {
    locks: typeof navigator !== 'undefined' ? navigator.locks : undefined,
    openChannel: (name) => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined),
    requestBackgroundSync: async (tag) => {
      const registration = (await navigator.serviceWorker?.getRegistration()) as SyncRegistration | undefined;
      await registration?.sync?.register(tag);
    },
  };
}
