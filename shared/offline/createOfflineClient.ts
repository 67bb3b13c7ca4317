import { ReachabilityMonitor } from '../connectivity/ReachabilityMonitor.js';
import { isGatewayError } from '../http/gatewayError.js';
import type { Fetcher } from '../http/jsonApi.js';
import { OutboxClient, type SettledActions } from '../outbox/OutboxClient.js';
import { PendingOverlay } from '../outbox/PendingOverlay.js';
import { httpBatchTransport } from '../outbox/postActionBatch.js';
import { probeFor } from '../outbox/replayInServiceWorker.js';
import { clearReplayCredentials, saveReplayCredentials } from '../outbox/replayCredentials.js';
import { outboxDatabaseName } from '../outbox/outboxDatabase.js';
import { SharedEventStream } from '../realtime/SharedEventStream.js';
import { ExternalStore } from '../store/ExternalStore.js';
import { wipeLocalData } from '../store/wipeLocalData.js';
import { DeltaSync, type SyncPageLike } from '../sync/DeltaSync.js';
import { pushedPage } from '../sync/pushedPage.js';
import { eventReadPosition } from '../sync/readPosition.js';
import { offlineClientDefaults, type OfflineClientOptions } from './offlineClientOptions.js';
import type { EventStreamState, OfflineClient, OfflineClientState } from './offlineClient.js';
import { reachabilityVerdict } from './reachabilityVerdict.js';

export type { OfflineClientOptions } from './offlineClientOptions.js';
export type { OfflineClient } from './offlineClient.js';

/**
 * The framework's client composition root: reachability, the outbox and its leader, delta sync (pulled and
 * pushed pages), the pending overlay, the event stream, replay credentials and the sign-out wipe, wired
 * once, the same way for every app. The app brings its scope, its API, its action rules and how a sync
 * page is stored; its store keeps only its own data and views.
 */
export function createOfflineClient<Page extends SyncPageLike>(input: OfflineClientOptions<Page>): OfflineClient {
  const options = offlineClientDefaults(input);
  const { scope, network, endpoints, sync } = options;
  const url = network.url ?? ((path: string) => path);
  // Every call but the stream's goes through `send` with a path: a fetch like ApiOrigins' picks the region
  // itself, so a path made absolute here would be prefixed twice.
  const send: Fetcher = network.fetch ?? ((path, init) => fetch(url(path), init));
  let stopped = false;
  /** The cursor of the state this tab holds: where its pulls start (the stored one is every tab's). */
  let tabCursor: string | undefined;
  /** The newest event's position: pulls must see at least that much (a lagging read replica). */
  let readPosition: string | undefined;
  let poll: ReturnType<typeof setTimeout> | undefined;
  let stream: SharedEventStream | undefined;
  let unsubscribeReachability: (() => void) | undefined;
  let stopFreezing: (() => void) | undefined;

  const overlay = new PendingOverlay();
  const { platform } = options;
  const reachability = new ReachabilityMonitor(
    platform.reachability(async (signal) => {
      // Any answer, even an error status (a 429), means the server is reachable; but not a gateway's
      // (gatewayError.ts), which says the server behind it is not, nor any 503 here: a gateway's page, or
      // the health check's own (the server is up but cannot take work, its database gone), which is no
      // better for an agent.
      const response = await send(endpoints.health, { signal, cache: 'no-store' });
      return !isGatewayError(response.status);
    }),
  );
  const outbox = new OutboxClient({
    scope,
    transport: httpBatchTransport({ url: endpoints.actions, headers: () => (stopped ? null : network.headers), fetch: send }),
    platform: platform.outbox,
    probe: probeFor(endpoints.health, send),
    compaction: options.compaction,
    legacyTargetField: options.legacyTargetField,
    makeRoom: options.makeRoom,
    onSettled: (settled) => onSettled(settled),
    onPaused: () => {
      state.set({ sessionExpired: true });
      void clearReplayCredentials(scope);
      options.onSessionExpired();
    },
    onReachable: () => reachability.reportSuccess(),
    onUnreachable: () => reachability.reportFailure(),
    // A batch waiting on a slow server says so on screen, as a read past its deadline does.
    onSlow: () => void reachability.reportSlow(),
  });
  const state = new ExternalStore<OfflineClientState>({
    reachability: reachability.state,
    outbox: outbox.snapshot,
    syncing: false,
    sessionExpired: false,
    stream: { connected: false, leading: false, lastEventId: null, eventsReceived: 0 },
  });
  outbox.subscribe(() => state.set({ outbox: outbox.snapshot }));

  const deltaSync = new DeltaSync<Page>({
    fetchPage: (cursor, signal) => sync.fetchPage(cursor, signal, { first: cursor === '0', minPosition: readPosition }),
    applyPage: async (page) => {
      await sync.applyPage(page);
      // Only forward: a pushed page and a pulled one may be stored in either order.
      if (tabCursor === undefined || BigInt(page.cursor) > BigInt(tabCursor)) tabCursor = page.cursor;
    },
    readCursor: async () => tabCursor ?? (await sync.readStoredCursor()) ?? '0',
    requestTimeoutMs: network.readTimeoutMs,
    prefetch: sync.prefetch,
  });

  const noteRead = (outcome: unknown) => {
    const verdict = reachabilityVerdict(outcome);
    if (verdict === 'reachable') reachability.reportSuccess();
    else if (verdict === 'slow') void reachability.reportSlow();
    else if (verdict === 'unreachable') reachability.reportFailure();
  };

  const syncNow = async (): Promise<void> => {
    // Confirmed actions drawn now are in the server state this pull brings (it starts after them).
    const landed = overlay.syncStarting();
    state.set({ syncing: true });
    try {
      await deltaSync.pull();
      behind = false;
      reachability.reportSuccess();
      landed();
    } catch (error) {
      behind = true;
      noteRead(error);
    } finally {
      schedulePulls();
      state.set({ syncing: false });
    }
  };

  /** Applied actions stay drawn (confirmed) until a sync started after them lands. */
  const onSettled = (settled: SettledActions) => {
    const appliedIds = new Set(settled.applied.map((result) => result.action.id));
    overlay.confirm(settled.removed.filter((action) => appliedIds.has(action.id)));
    options.onSettled(settled);
    // A pull started now lands what was confirmed. Without a stream nothing else tells this tab the server's
    // state moved; with one, the change event may have come before this answer (it then found nothing to
    // land, and no later event may come): a one-core run kept a created item drawn for good that way.
    if (!stream || appliedIds.size > 0) void syncNow();
  };

  /** A `change` event's page, applied as it comes when this tab holds everything before it; pulled otherwise. */
  const applyEvent = async (data: string | undefined): Promise<void> => {
    const pushed = pushedPage<Page>(data, (page) => sync.isPage(page));
    if (!pushed) return syncNow();
    try {
      if ((await deltaSync.applyPushed(pushed.from, pushed.page)) === 'gap') return syncNow();
      reachability.reportSuccess();
      // For benchmarks and monitoring: when a pushed change was stored (its cursor in the detail).
      performance.mark('holdfast:event-applied', { detail: { cursor: pushed.page.cursor } });
    } catch (error) {
      // Not stored (a full device): pulled again until it is.
      behind = true;
      schedulePulls();
      noteRead(error);
      return;
    }
    if (overlay.holdsConfirmed) await syncNow();
  };

  /**
   * Pulls while the server answers: every `sync.pollMs` without an event stream; with one, every
   * `sync.pollMs` to twice that, at random (so that a floor whose streams broke together does not pull in
   * step), while the stream is down (refused over the server's cap or by a stuck safeguard, dropped by a
   * proxy, reconnecting) or while this tab is behind (its last pull or pushed page could not be stored: a
   * full device). Found by the chaos suite: a tab whose stream could not open stayed on what it had — its
   * first sync included, since the stream's `ready` prompts it — until the stream came back (20 s in
   * safeguard-stuck); and a device that could not store a pushed change while full never caught up once
   * room was made, since no later event came for what it held (storage-full).
   */
  let streamConnected = false;
  let behind = false;
  /** Frozen by the browser (Page Lifecycle): its timers do not run; its pulls start again with its stream. */
  let frozen = false;
  const schedulePulls = () => {
    const on = !stopped && !frozen && (!endpoints.events || !streamConnected || behind);
    if (!on) {
      clearTimeout(poll);
      poll = undefined;
      return;
    }
    // A schedule under way is kept: a stream failing again and again does not push its pulls back.
    if (poll) return;
    const next = () => {
      poll = setTimeout(
        () => {
          if (reachability.state === 'online') void syncNow();
          next();
        },
        endpoints.events ? sync.pollMs * (1 + Math.random()) : sync.pollMs,
      );
    };
    next();
  };

  const openStream = () => {
    const setStream = (patch: Partial<EventStreamState>) => state.set((current) => ({ stream: { ...current.stream, ...patch } }));
    // One server stream for all of this user's tabs: the leader tab holds it and relays to the others.
    stream = new SharedEventStream({
      name: `holdfast-events:${scope}`,
      locks: platform.outbox.locks,
      openChannel: platform.outbox.openChannel,
      url: (lastEventId) => url(`${endpoints.events}${lastEventId ? `?cursor=${lastEventId}` : ''}`),
      headers: () => network.headers,
      // The server answers again after it did not (not after a slow read): a stream in its backoff
      // reconnects now, and one left open through the outage is replaced, so that changes made since the
      // pull that follows (another agent's replayed outbox) arrive at once.
      wakeWhen: (wake) => {
        let before = reachability.state;
        return reachability.subscribe((now) => {
          if (now === 'online' && (before === 'unreachable' || before === 'offline')) wake();
          before = now;
        });
      },
      onStatus: (connected) => {
        setStream({ connected });
        streamConnected = connected;
        schedulePulls();
        // A connected stream proves the server is reachable; a broken one is retried by the stream itself.
        if (connected) {
          reachability.reportSuccess();
          options.onReconnected();
        }
      },
      onLeadership: (leading) => setStream({ leading }),
      onEvent: (event) => {
        state.set((current) => ({
          stream: { ...current.stream, lastEventId: event.id ?? current.stream.lastEventId, eventsReceived: current.stream.eventsReceived + 1 },
        }));
        readPosition = eventReadPosition(event.data) ?? readPosition;
        if (event.event === 'change') void applyEvent(event.data);
        // `ready` (the stream starts "now") and `resync` (too far behind to replay) prompt a pull.
        if (event.event === 'ready' || event.event === 'resync') void syncNow();
        if (event.event === 'resync') options.onReconnected();
      },
    });
    stream.start();
  };

  const stop = async () => {
    stopped = true;
    stopFreezing?.();
    schedulePulls();
    unsubscribeReachability?.();
    stream?.stop();
    reachability.stop();
    state.close();
    await outbox.stop();
  };

  return {
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    async start() {
      if (options.backgroundReplay) {
        // For Background Sync after every tab is closed: where to send, with the CSRF header (no secret).
        // Not waited for: a cold start's outbox and stream do not queue behind another database's open.
        void saveReplayCredentials({
          scope,
          endpoint: endpoints.actions,
          headers: withoutSecrets(network.headers),
          probeUrl: endpoints.health,
          origins: network.origins,
        }).catch(() => undefined);
      }
      if (stopped) return;
      unsubscribeReachability = reachability.subscribe((now) => {
        state.set({ reachability: now });
        if (now !== 'online') return;
        void syncNow();
        outbox.serverReachable();
        options.onReconnected();
      });
      void outbox.start();
      reachability.start();
      // The stream's first event (`ready`) prompts the first pull; without a stream, the client pulls at once.
      if (endpoints.events) {
        openStream();
        // A stream that never opens (refused, or no answer) must not leave the tab without its first sync.
        schedulePulls();
        // A frozen tab leading the stream would hold every other tab's live changes (as the outbox's
        // replay, OutboxClient): it lets go before it freezes, and joins the queue again once it runs.
        stopFreezing = platform.outbox.onFreeze?.(
          () => {
            stream?.stop();
            stream = undefined;
            streamConnected = false;
            frozen = true;
            schedulePulls();
          },
          () => {
            frozen = false;
            if (!stopped && !stream) openStream();
            schedulePulls();
          },
        );
      } else {
        schedulePulls();
        void syncNow();
      }
    },
    stop,
    act: (action, enqueueOptions) => outbox.enqueue(action, enqueueOptions),
    async cancel(actionId) {
      overlay.cancel(actionId);
      const cancelled = await outbox.cancel(actionId);
      if (!cancelled) overlay.restore(actionId);
      return cancelled;
    },
    retry: (actionId, replacement) => outbox.retry(actionId, replacement),
    discard: (actionId) => outbox.discard(actionId),
    syncNow,
    overlays() {
      const snapshot = outbox.snapshot;
      const failedIds = new Set(snapshot.failed.map((failed) => failed.action.id));
      return overlay.byTarget(
        snapshot.pending.map((entry) => entry.action),
        failedIds,
      );
    },
    readFrom(cursor) {
      if (cursor !== undefined && (tabCursor === undefined || BigInt(cursor) > BigInt(tabCursor))) tabCursor = cursor;
    },
    noteRead,
    noteAnswered: () => reachability.reportSuccess(),
    health: () => outbox.health(),
    async signOut() {
      await stop();
      const { signOut } = options;
      // The server's session ends beside the wipe, never before it: an offline sign-out wipes at once.
      await Promise.all([
        signOut.endSession().catch(() => undefined),
        clearReplayCredentials(scope).then(() =>
          wipeLocalData({
            databases: [...signOut.databases(), outboxDatabaseName(scope)],
            isUserDataCache: signOut.isUserDataCache,
            workerMessage: signOut.workerMessage,
          }),
        ),
      ]);
    },
  };
}

/** Headers the worker may keep on disk: never a credential (the worker's replay uses the session cookie). */
function withoutSecrets(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie)$/i.test(name)));
}
