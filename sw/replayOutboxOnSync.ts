import { backgroundSyncTagPrefix, replayInServiceWorker, type BackgroundReplayOptions } from '../shared/internal.js';

declare const self: ServiceWorkerGlobalScope;

/** Background Sync's event (not in TypeScript's WebWorker lib). */
type SyncEvent = ExtendableEvent & { tag: string; lastChance: boolean };

export type OutboxSyncOptions = Omit<BackgroundReplayOptions, 'scope'>;

/**
 * Background Sync: the page registers a tag per outbox when it queues an action; the browser fires it
 * when it believes the network is back — also after every tab is closed — and again later, with its own
 * backoff, for as long as our work rejects. Registered by hand rather than through workbox-background-sync:
 * its Queue ties the sync event to its own store of whole Requests (see shared/outbox/Outbox.ts).
 * `options`: the app's compaction rule and legacy target field, as its pages use them.
 */
export function replayOutboxOnSync(options: OutboxSyncOptions = {}): void {
  self.addEventListener('sync', (event) => {
    const sync = event as SyncEvent;
    if (!sync.tag.startsWith(backgroundSyncTagPrefix)) return;
    const scope = sync.tag.slice(backgroundSyncTagPrefix.length);
    sync.waitUntil(replayInServiceWorker({ ...options, scope }));
  });
}
