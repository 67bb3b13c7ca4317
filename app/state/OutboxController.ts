import type { ActionEnvelope } from '../../shared/index.js';
import {
  httpBatchTransport,
  openOutboxDatabase,
  probeFor,
  Outbox,
  OutboxReplayer,
  OutboxReplayLeader,
  type CompactionRule,
  type DrainResult,
  type EnqueueOptions,
  type FailedAction,
  type OutboxEntry,
  type OutboxHealth,
  type PauseReason,
  type ReplayProgress,
  backgroundSyncTag,
  outboxChannelName,
  outboxLockName,
} from '../../shared/client.js';


export type OutboxSnapshot = {
  /** False until the queue was read once: before that, "nothing pending" is not known. */
  loaded: boolean;
  pending: readonly OutboxEntry[];
  failed: readonly FailedAction[];
  paused: PauseReason | null;
  /** The last replay pass's outcome in this tab (only the leading tab replays). */
  lastPass: DrainResult | null;
  /** Set while a pass sends more than one batch: "Sending 500 of 1,234". */
  progress: ReplayProgress | null;
};

export type OutboxControllerOptions = {
  scope: string;
  /** Headers that authorise a batch (see httpBatchTransport); null when signed out. */
  authHeaders: () => Record<string, string> | null;
  /** Readiness URL, to tell an action the server cannot apply from a server that is down. */
  probeUrl?: string;
  compaction?: CompactionRule;
  /** The app's earlier name for the envelope's target (see ActionRegistryOptions). */
  legacyTargetField?: string;
  /** Actions gone from the queue (confirmed, failed, compacted or taken back): the app syncs to show the server's state. */
  onSettled: (gone: readonly ActionEnvelope[]) => void;
  onPaused: (reason: PauseReason) => void;
  onReachable: () => void;
  onUnreachable: () => void;
  endpoint?: string;
};

const emptySnapshot: OutboxSnapshot = { loaded: false, pending: [], failed: [], paused: null, lastPass: null, progress: null };

/**
 * The page's side of the outbox: opens it, replays it when this tab leads (Web Locks), tells other tabs
 * of changes (BroadcastChannel) and re-reads it when they tell us, and asks the service worker for a
 * Background Sync so the queue also drains after the tab is closed.
 */
export class OutboxController {
  readonly #options: OutboxControllerOptions;
  readonly #listeners = new Set<() => void>();
  readonly #channel: BroadcastChannel | undefined;
  #snapshot: OutboxSnapshot = emptySnapshot;
  #outbox: Promise<Outbox> | undefined;
  #leader: OutboxReplayLeader | undefined;
  #replayer: OutboxReplayer | undefined;
  #stopped = false;
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;

  constructor(options: OutboxControllerOptions) {
    this.#options = options;
    this.#channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(outboxChannelName(options.scope)) : undefined;
    this.#channel?.addEventListener('message', () => this.#changed(false, false));
  }

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  get snapshot(): OutboxSnapshot {
    return this.#snapshot;
  }

  #open(): Promise<Outbox> {
    this.#outbox ??= openOutboxDatabase(this.#options.scope, { onVersionChange: () => (this.#outbox = undefined), legacyTargetField: this.#options.legacyTargetField }).then(
      (db) => new Outbox({ db, onChange: (change) => this.#changed(true, change === 'enqueued') }),
    );
    return this.#outbox;
  }

  async start(): Promise<void> {
    const outbox = await this.#open();
    if (this.#stopped) return;
    // Starting means the agent has a session: a pause for a rejected token is over.
    await outbox.setPaused(null);
    const { authHeaders, compaction, onPaused, onReachable, onUnreachable, endpoint = '/api/actions', probeUrl } = this.#options;
    this.#replayer = new OutboxReplayer({
      queue: outbox,
      transport: httpBatchTransport({ url: endpoint, headers: authHeaders }),
      probe: probeFor(probeUrl),
      compaction,
      onProgress: (progress) => this.#publish({ progress: progress.total > progress.sent ? progress : null }),
      onAnswered: onReachable,
      onFailedSend: (code) => {
        if (code === 'unreachable' || code === 'timeout') onUnreachable();
      },
    });
    this.#leader = new OutboxReplayLeader({
      replayer: this.#replayer,
      lockName: outboxLockName(this.#options.scope),
      locks: navigator.locks,
      onResult: (result) => {
        // Progress stays up while a long replay waits to retry: "500 of 1,500 sent · will retry".
        const over = result.status === 'drained' || result.status === 'paused';
        this.#publish({ lastPass: result, progress: over ? null : this.#snapshot.progress });
        if (result.status === 'paused') onPaused(result.reason);
      },
    });
    this.#leader.start();
    await this.#refresh();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#channel?.close();
    await this.#leader?.stop();
  }

  /** Durably queues `action`; resolves once it is in IndexedDB (and so safe to show). */
  async enqueue(action: ActionEnvelope, options?: EnqueueOptions): Promise<void> {
    const outbox = await this.#open();
    const entry = await outbox.enqueue(action, options);
    // Drawn now; the re-read that the change notice starts confirms it.
    if (!this.#snapshot.pending.some((queued) => queued.action.id === action.id)) this.#publish({ pending: [...this.#snapshot.pending, entry] });
    void this.#requestBackgroundSync();
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

  /** `appended`: our own enqueue, already in the snapshot, so no re-read is needed for it. */
  #changed(local: boolean, appended: boolean): void {
    if (this.#stopped) return;
    if (local) this.#channel?.postMessage('changed');
    this.#leader?.kick();
    if (!appended) void this.#refresh();
  }

  /** Re-reads the queue; calls coalesce, so a burst of changes costs one read after the current one. */
  #refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        const outbox = await this.#open();
        const [pending, failed, paused] = await Promise.all([outbox.pending(), outbox.failed(), outbox.paused()]);
        const before = this.#snapshot;
        this.#publish({ loaded: true, pending, failed, paused });
        const stillQueued = new Set(pending.map((entry) => entry.action.id));
        const gone = before.pending.filter((entry) => !stillQueued.has(entry.action.id)).map((entry) => entry.action);
        if (gone.length > 0) this.#options.onSettled(gone);
      } while (this.#refreshAgain && !this.#stopped);
    })().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  #publish(patch: Partial<OutboxSnapshot>): void {
    if (this.#stopped) return;
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of this.#listeners) listener();
  }

  /** Where the browser has Background Sync, the service worker replays once the network is back, tab or no tab. */
  async #requestBackgroundSync(): Promise<void> {
    try {
      const registration = (await navigator.serviceWorker?.getRegistration()) as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined;
      await registration?.sync?.register(backgroundSyncTag(this.#options.scope));
    } catch {
      // No permission or no support: the page replays while it is open.
    }
  }
}
