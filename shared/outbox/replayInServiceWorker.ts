import { HoldfastError } from '../core/HoldfastError.js';
import { Outbox } from './Outbox.js';
import { openOutboxDatabase, outboxDatabaseName } from './outboxDatabase.js';
import { outboxChannelName, outboxLockName } from './outboxNames.js';
import { OutboxReplayer, type DrainResult } from './OutboxReplayer.js';
import type { CompactionRule } from './compactPending.js';
import { httpBatchTransport } from './postActionBatch.js';
import type { Fetcher } from '../http/jsonApi.js';
import { ApiOrigins } from '../http/ApiOrigins.js';
import { readReplayCredentials } from './replayCredentials.js';
import { beatWhileHolding } from '../leadership/LeaderLease.js';

export type BackgroundReplayOptions = {
  scope: string;
  compaction?: CompactionRule;
  /** The app's earlier name for the envelope's target, for an outbox written before the upgrade (ActionRegistryOptions). */
  legacyTargetField?: string;
  /** Longest wait for an action held for undo before giving the event back; default 10 s. */
  maxHoldWaitMs?: number;
  /**
   * How long one sync event may keep retrying a failed send itself (waiting out the backoff) before it
   * gives up and lets the browser fire the event again; default 60 s. Finding a poison action takes a few
   * failed sends in a row, which a single send per event would never see.
   */
  maxEventMs?: number;
};

/**
 * One Background Sync event's work in the service worker: drain the scope's outbox if no tab is doing it.
 * It takes the same Web Lock as the tabs' leader, but only if free — an open tab replays already. Resolves
 * when the queue is empty (or paused for sign-in); rejects while the server gives no usable answer, which
 * makes the browser fire the event again later with its own backoff.
 */
export async function replayInServiceWorker(options: BackgroundReplayOptions): Promise<DrainResult | 'busy' | 'no-outbox'> {
  const credentials = await readReplayCredentials(options.scope);
  if (!credentials) return 'no-outbox';
  const known = (await indexedDB.databases()).some((database) => database.name === outboxDatabaseName(options.scope));
  if (!known) return 'no-outbox';

  // Taken over by a tab (its lock stolen: the request rejects while this pass runs on), it stops between
  // batches and says it is alive no more.
  const lost = new AbortController();
  const held = navigator.locks.request(outboxLockName(options.scope), { ifAvailable: true }, async (lock) => {
    if (!lock) return 'busy' as const;
    // Tabs opened meanwhile wait for this lock; they take it over if its holder goes quiet (LeaderLease).
    const stopBeating = beatWhileHolding(outboxLockName(options.scope), (name) => new BroadcastChannel(name));
    lost.signal.addEventListener('abort', stopBeating);
    let db: Awaited<ReturnType<typeof openOutboxDatabase>> | undefined;
    try {
      db = await openOutboxDatabase(options.scope, { legacyTargetField: options.legacyTargetField });
      const channel = new BroadcastChannel(outboxChannelName(options.scope));
      const outbox = new Outbox({ db, onChange: (change) => channel.postMessage(change) });
      // Several API regions: the batches and the probe go to the one in rotation, as the page's do.
      const regions = credentials.origins && credentials.origins.length > 1 ? new ApiOrigins({ origins: credentials.origins }) : undefined;
      const replayer = new OutboxReplayer({
        queue: outbox,
        transport: httpBatchTransport({
          url: credentials.endpoint,
          headers: async () => (await readReplayCredentials(options.scope))?.headers ?? null,
          fetch: regions?.fetch,
        }),
        compaction: options.compaction,
        probe: probeFor(credentials.probeUrl, regions?.fetch),
      });
      const giveUpAt = Date.now() + (options.maxEventMs ?? 60_000);
      let result = await replayer.drain(lost.signal);
      for (;;) {
        const wakeAt = result.status === 'held' ? result.wakeAt : result.status === 'backing-off' ? result.retryAt : undefined;
        if (wakeAt === undefined) break;
        if (result.status === 'held' && wakeAt - Date.now() > (options.maxHoldWaitMs ?? 10_000)) break;
        if (wakeAt > giveUpAt) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, wakeAt - Date.now())));
        result = await replayer.drain(lost.signal);
      }
      channel.close();
      if (result.status === 'backing-off') throw new HoldfastError('replay-will-retry', { code: result.code, reason: `(${result.code})` });
      return result;
    } finally {
      stopBeating();
      db?.close();
    }
  });
  held.catch(() => lost.abort());
  return held;
}

/** A readiness probe: 200 from `url` means the server and its database work. `send`: e.g. ApiOrigins' fetch. */
export function probeFor(
  url: string | undefined,
  send: Fetcher = (input, init) => fetch(input, init),
): ((signal: AbortSignal) => Promise<boolean>) | undefined {
  if (!url) return undefined;
  return async (signal) => (await send(url, { signal, cache: 'no-store' })).ok;
}
