import { HoldfastError } from '../core/HoldfastError.js';
import type { ActionEnvelope } from '../core/protocol.js';
import type { CompactionRule } from './compactPending.js';
import { Outbox, type EnqueueOptions } from './Outbox.js';
import type { AppliedAction, OutboxChange } from './outboxChange.js';
import { openOutboxDatabase, type OutboxDatabase } from './outboxDatabase.js';
import { backgroundSyncTag, outboxChannelName, outboxLockName } from './outboxNames.js';
import { OutboxReplayer, type DrainResult, type PoisonOptions, type ReplayProgress } from './OutboxReplayer.js';
import { OutboxReplayLeader } from './OutboxReplayLeader.js';
import type { FailedAction, OutboxEntry, OutboxHealth, PauseReason } from './outboxTypes.js';
import type { BatchTransport } from './postActionBatch.js';

export type OutboxSnapshot = {
  /** False until the queue was read once: before that, "nothing pending" is not known. */
  loaded: boolean;
  pending: readonly OutboxEntry[];
  failed: readonly FailedAction[];
  paused: PauseReason | null;
  /** The last replay pass's outcome in this context (only the leading tab replays). */
  lastPass: DrainResult | null;
  /** Set while a pass sends more than one batch: "Sending 500 of 1,234". */
  progress: ReplayProgress | null;
};

/** What left the queue in one change, for the app's view of its data. */
export type SettledActions = {
  /** Applied by the server, each with the state it answered for its target. */
  applied: readonly AppliedAction[];
  /** Moved to the failed list. */
  failed: readonly FailedAction[];
  /** Every action that left the queue (applied, failed, compacted or taken back). */
  removed: readonly ActionEnvelope[];
};

/** What the outbox client needs from its platform; the browser's by default (`browserOutboxPlatform`). */
export type OutboxClientPlatform = {
  /** `navigator.locks`: one replayer among all tabs. Without it, this context replays alone. */
  locks?: LockManager;
  /** A channel to the other tabs of this outbox (BroadcastChannel); none: a single tab. */
  openChannel?: (name: string) => BroadcastChannel | undefined;
  /** Ask the service worker to replay once the network is back, tab or no tab (Background Sync). */
  requestBackgroundSync?: (tag: string) => Promise<void>;
  /**
   * Calls `wake` whenever this context may have been away and should replay at once: the network came
   * back, the tab regained focus or became visible, or it was restored from the back/forward cache. Where
   * there is no Background Sync (Firefox, Safari), these and the replay timer are what drain the queue.
   * Returns what stops it.
   */
  onWake?: (wake: () => void) => () => void;
  /**
   * Calls `freeze` just before the browser freezes this tab (Chromium freezes background tabs; its
   * scripts stop, its locks stay held) and `resume` when it runs again. Returns what stops it.
   */
  onFreeze?: (freeze: () => void, resume: () => void) => () => void;
};

export type OutboxClientOptions = {
  /** Which outbox (e.g. one per tenant and user): its database, lock and channel are named after it. */
  scope: string;
  transport: BatchTransport;
  platform: OutboxClientPlatform;
  compaction?: CompactionRule;
  /** The app's earlier name for the envelope's target (ActionRegistryOptions). */
  legacyTargetField?: string;
  /** Readiness probe, to tell an action the server cannot apply from a server that is down. */
  probe?: (signal: AbortSignal) => Promise<boolean>;
  poison?: PoisonOptions;
  /** Actions left the queue: the app updates its view from what the server answered, without a re-read or a sync. */
  onSettled?: (settled: SettledActions) => void;
  onPaused?: (reason: PauseReason) => void;
  /** The server answered a send (any answer). */
  onReachable?: () => void;
  /** A send got no answer at all (network, deadline). */
  onUnreachable?: () => void;
  /** A send has waited past its first seconds and the readiness probe is slow too. */
  onSlow?: () => void;
  /**
   * The device's storage was full as an action was queued: free what can be fetched again (media caches),
   * and the write is tried once more. Without it, or when it is still full, `enqueue` rejects with
   * HoldfastError `storage-full`.
   */
  makeRoom?: () => Promise<void>;
};

const emptySnapshot: OutboxSnapshot = { loaded: false, pending: [], failed: [], paused: null, lastPass: null, progress: null };

/**
 * A page's outbox: opens it, replays it when this tab leads (Web Locks), keeps a snapshot for the UI
 * (subscribe / snapshot, for useSyncExternalStore), and tells other tabs of every change.
 *
 * The snapshot follows the outbox's changes (OutboxChange) — this tab's own and, through the channel, every
 * other tab's and the service worker's — rather than reading the queue again: settling a batch of 500 with
 * 10,000 queued reads nothing (bench:outbox, "settle"). The queue is read whole once, at start.
 */
export class OutboxClient {
  readonly #options: OutboxClientOptions;
  readonly #listeners = new Set<() => void>();
  readonly #channel: BroadcastChannel | undefined;
  #snapshot: OutboxSnapshot = emptySnapshot;
  #outbox: Promise<Outbox> | undefined;
  #leader: OutboxReplayLeader | undefined;
  #stopFreezing: (() => void) | undefined;
  #stopped = false;
  #stopWaking: (() => void) | undefined;

  constructor(options: OutboxClientOptions) {
    this.#options = options;
    this.#channel = options.platform.openChannel?.(outboxChannelName(options.scope));
    this.#channel?.addEventListener('message', (event: MessageEvent) => this.#remoteChange(event.data as OutboxChange | string));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  get snapshot(): OutboxSnapshot {
    return this.#snapshot;
  }

  #open(): Promise<Outbox> {
    this.#outbox ??= this.#connect().then((db) => new Outbox({ db, onChange: (change) => this.#localChange(change) }));
    return this.#outbox;
  }

  #connect(): Promise<OutboxDatabase> {
    const { scope, legacyTargetField } = this.#options;
    return openOutboxDatabase(scope, { onVersionChange: () => (this.#outbox = undefined), legacyTargetField });
  }

  /** A fresh connection for the outbox after a write refused for want of room (see Outbox.takeConnection). */
  async #reconnect(outbox: Outbox): Promise<void> {
    outbox.takeConnection(await this.#connect());
  }

  async start(): Promise<void> {
    const outbox = await this.#open();
    if (this.#stopped) return;
    // Starting means the user has a session: a pause for a refused one is over.
    await outbox.setPaused(null);
    const { transport, compaction, probe, poison, onPaused, onReachable, onUnreachable, onSlow, platform, scope } = this.#options;
    const replayer = new OutboxReplayer({
      queue: outbox,
      transport,
      compaction,
      probe,
      poison,
      onProgress: (progress) => this.#publish({ progress: progress.total > progress.sent ? progress : null }),
      onAnswered: onReachable,
      onSlowSend: onSlow,
      onFailedSend: (code) => {
        if (code === 'unreachable' || code === 'timeout') onUnreachable?.();
      },
    });
    const lead = () => {
      this.#leader = new OutboxReplayLeader({
        replayer,
        lockName: outboxLockName(scope),
        locks: platform.locks,
        openChannel: platform.openChannel,
        onResult: (result) => {
          // Progress stays up while a long replay waits to retry: "500 of 1,500 sent · will retry".
          const over = result.status === 'drained' || result.status === 'paused';
          this.#publish({ lastPass: result, progress: over ? null : this.#snapshot.progress });
          if (result.status === 'paused') onPaused?.(result.reason);
        },
      });
      this.#leader.start();
    };
    lead();
    this.#stopWaking = platform.onWake?.(() => this.#leader?.kick({ force: true }));
    // A frozen tab keeps its Web Lock while none of its code runs: leading, it would hold every other tab's
    // replay (and the worker's) until it is thawed, which may be never. So it stops leading before it is
    // frozen — another tab takes the lock at once — and queues for the lock again once it runs.
    this.#stopFreezing = platform.onFreeze?.(
      () => {
        void this.#leader?.stop();
        this.#leader = undefined;
      },
      () => {
        if (!this.#stopped && !this.#leader) lead();
      },
    );
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopWaking?.();
    this.#stopFreezing?.();
    this.#channel?.close();
    await this.#leader?.stop();
  }

  /**
   * Durably queues `action`; resolves once it is in IndexedDB (and so safe to show). A full device is
   * never swallowed: room is made (`makeRoom`) and the write tried once more, then it rejects with
   * HoldfastError `storage-full`, the action not queued and nothing already queued touched.
   */
  async enqueue(action: ActionEnvelope, options?: EnqueueOptions): Promise<void> {
    const outbox = await this.#open();
    try {
      await outbox.enqueue(action, options);
    } catch (error) {
      if (!isQuotaExceeded(error)) throw error;
      await this.#reconnect(outbox);
      const { makeRoom } = this.#options;
      if (!makeRoom) throw new HoldfastError('storage-full', { actionId: action.id });
      try {
        await makeRoom();
        await outbox.enqueue(action, options);
      } catch (again) {
        if (!isQuotaExceeded(again)) throw again;
        await this.#reconnect(outbox);
        throw new HoldfastError('storage-full', { actionId: action.id });
      }
    }
    void this.#options.platform.requestBackgroundSync?.(backgroundSyncTag(this.#options.scope)).catch(() => undefined);
  }

  async cancel(actionId: string): Promise<boolean> {
    return (await this.#open()).cancel(actionId);
  }
  async retry(actionId: string, replacement?: ActionEnvelope): Promise<void> {
    await (await this.#open()).retry(actionId, replacement);
  }
  async discard(actionId: string): Promise<void> {
    await (await this.#open()).discard(actionId);
  }
  async health(): Promise<OutboxHealth> {
    return (await this.#open()).health();
  }

  /** The server was just seen reachable: replay now, whatever the backoff said. */
  serverReachable(): void {
    this.#leader?.kick({ force: true });
  }

  /** Reads the whole queue: at start, and when another tab's change came without its details. */
  async refresh(): Promise<void> {
    const outbox = await this.#open();
    const [pending, failed, paused] = await Promise.all([outbox.pending(), outbox.failed(), outbox.paused()]);
    this.#publish({ loaded: true, pending, failed, paused });
  }

  #localChange(change: OutboxChange): void {
    if (this.#stopped) return;
    this.#channel?.postMessage(change);
    this.#follow(change);
  }

  #remoteChange(change: OutboxChange | string): void {
    if (this.#stopped) return;
    // A tab of an earlier version says only that something changed.
    if (typeof change === 'string') {
      this.#leader?.kick();
      void this.refresh();
      return;
    }
    this.#follow(change);
  }

  /** Brings the snapshot up to date with one change, and lets the leader and the app know. */
  #follow(change: OutboxChange): void {
    const { snapshot, settled } = followOutboxChange(this.#snapshot, change);
    if (snapshot !== this.#snapshot) this.#publish(snapshot);
    if (settled) this.#options.onSettled?.(settled);
    if (change.kind === 'enqueued' || change.kind === 'retried' || (change.kind === 'paused' && change.reason === null)) this.#leader?.kick();
  }

  #publish(patch: Partial<OutboxSnapshot>): void {
    if (this.#stopped) return;
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of this.#listeners) listener();
  }
}

/**
 * A snapshot of the queue after one change: pure, so it is unit-tested alone, and the reason a settled
 * batch costs no read — what left the queue is in the change itself. `settled`: what to tell the app.
 */
export function followOutboxChange(snapshot: OutboxSnapshot, change: OutboxChange): { snapshot: OutboxSnapshot; settled?: SettledActions } {
  switch (change.kind) {
    case 'enqueued':
      if (snapshot.pending.some((entry) => entry.action.id === change.entry.action.id)) return { snapshot };
      return { snapshot: { ...snapshot, pending: withEntry(snapshot.pending, change.entry) } };
    case 'settled': {
      const removed = new Set(change.removed);
      const gone = snapshot.pending.filter((entry) => removed.has(entry.action.id)).map((entry) => entry.action);
      const known = new Set(snapshot.failed.map((failed) => failed.action.id));
      return {
        snapshot: {
          ...snapshot,
          pending: snapshot.pending.filter((entry) => !removed.has(entry.action.id)),
          failed: [...snapshot.failed, ...change.failed.filter((failed) => !known.has(failed.action.id))],
        },
        settled: { applied: change.applied, failed: change.failed, removed: gone },
      };
    }
    case 'retried': {
      const requeued =
        change.entry && !snapshot.pending.some((entry) => entry.seq === change.entry!.seq) ? withEntry(snapshot.pending, change.entry) : snapshot.pending;
      return { snapshot: { ...snapshot, failed: snapshot.failed.filter((failed) => failed.action.id !== change.failedId), pending: requeued } };
    }
    case 'discarded':
      return { snapshot: { ...snapshot, failed: snapshot.failed.filter((failed) => failed.action.id !== change.failedId) } };
    case 'paused':
      return { snapshot: { ...snapshot, paused: change.reason } };
  }
}

/** `entries` with `entry` in queue order (by seq): appends, the usual case, cost no sort. */
function withEntry(entries: readonly OutboxEntry[], entry: OutboxEntry): OutboxEntry[] {
  const last = entries.at(-1);
  return !last || last.seq < entry.seq ? [...entries, entry] : [...entries, entry].sort((a, b) => a.seq - b.seq);
}

/** IndexedDB's "no room": a DOMException named QuotaExceededError, from the request or the transaction. */
function isQuotaExceeded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
}
