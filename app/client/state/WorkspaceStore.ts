import { ExternalStore, fullJitterDelay, isHoldfastError, SheddableCalls, type FailedAction, type OfflineClient, type SettledActions } from 'holdfast/client';
import { againstServerState, createWorkspaceAction, type WorkspaceActionPayloads, type WorkspaceActionType } from '../../shared/client.js';
import type { ApiClient, Viewer } from '../api/ApiClient.js';
import { LocalDataCheck } from './LocalDataCheck.js';
import { localDataMarkerKey } from './localData.js';
import { isConversationState, withServerStates } from './serverState.js';
import type { ThreadCatchUp } from './ThreadCatchUp.js';
import { storageFullNotice } from './storageFullNotice.js';
import { saveUndoWindow } from './undoWindow.js';
import { workspaceClient } from './workspaceClient.js';
import { WorkspaceReads } from './workspaceReads.js';
import { WorkspaceRepository } from './workspaceRepository.js';
import { initialState, type WorkspaceState } from './workspaceState.js';
import { readDeadlineMs, workspaceStoreDefaults, type WorkspaceStoreOptions } from './workspaceStoreOptions.js';
import { workspaceView, type ServerState } from './workspaceView.js';
export type { WorkspaceState } from './workspaceState.js';
export type { WorkspaceStoreOptions } from './workspaceStoreOptions.js';

/**
 * The workspace's data on the page. Local first: the UI reads only this store, which starts from
 * IndexedDB (WorkspaceRepository) and is then kept current by the framework's client (createOfflineClient:
 * delta sync, the event stream, the outbox), each server page written to IndexedDB in one transaction
 * before it is shown. A dead or slow server delays freshness, never the screen. Writes go to the outbox
 * and show at once: the screen is the server's state with the queued actions drawn over it (workspaceView).
 * What is the workspace's own stays here: the thread catch-up, drafts, presence, the undo window, and
 * what eviction took.
 */
export class WorkspaceStore {
  readonly #view = new ExternalStore<WorkspaceState>(initialState);
  readonly #options: ReturnType<typeof workspaceStoreDefaults>;
  readonly #client: OfflineClient;
  readonly #repository: WorkspaceRepository;
  readonly #catchUp: ThreadCatchUp;
  readonly #localData: LocalDataCheck;
  readonly #reads: WorkspaceReads;
  readonly #sheddable = new SheddableCalls({ onStateChange: (sheddable) => this.#view.set({ sheddable }) });
  readonly #loading = new Map<string, Promise<void>>();
  readonly #localRead: Promise<void>;
  #server: ServerState = { conversations: {}, messages: {} };
  #stopped = false;

  constructor(options: WorkspaceStoreOptions) {
    this.#options = workspaceStoreDefaults(options);
    const { api, tenantId, me } = options;
    this.#view.set({ undoWindowMs: this.#options.undoWindowMs });
    this.#repository = new WorkspaceRepository({
      tenantId,
      agentId: me.id,
      // Signed out meanwhile: this store is done, there is nothing to move to a newer release.
      onVersionChange: async () => void (!this.#stopped && this.#options.onNewerRelease()),
      onBlocked: (databaseBlocked) => this.#view.set({ databaseBlocked }),
    });
    this.#localData = new LocalDataCheck(localDataMarkerKey(tenantId, me.id), localStorage, (localDataLost) => this.#view.set({ localDataLost }));
    this.#reads = new WorkspaceReads({
      api,
      repository: this.#repository,
      client: () => this.#client,
      localData: this.#localData,
      readDeadlineMs: () => readDeadlineMs(this.#options),
      server: () => this.#server,
      setServer: (patch, extra) => this.#setServer(patch, extra),
      view: () => this.getSnapshot(),
      setView: (patch) => this.#view.set(patch),
    });
    this.#client = workspaceClient(this.#options, {
      repository: this.#repository,
      readDeadlineMs: () => readDeadlineMs(this.#options),
      applyPage: (page) => this.#reads.applyPage(page),
      onSettled: (settled) => this.#onSettled(settled),
      onReconnected: () => this.#catchUp.reconnected(),
    });
    // The client's side of the state (connection, queue, sync, stream), mirrored into the workspace's.
    const mirror = () => {
      const { reachability, outbox, syncing, stream } = this.#client.getSnapshot();
      this.#publish({ reachability, outbox, syncing, stream, ...(syncing ? {} : { syncProgress: null }) });
      this.#localData.outboxChanged(outbox);
    };
    this.#client.subscribe(mirror);
    mirror();
    this.#catchUp = this.#reads.threadCatchUp();
    // Reading IndexedDB starts with the store, not after React's first paint: the cold-start path. The
    // deep-linked conversation is read first and painted before the inbox is read: the 10,000-row inbox
    // read materialises on the main thread (~200 ms here) and would otherwise hold back that paint.
    const initialId = this.#options.initialConversationId;
    this.#localRead = (initialId ? this.ensureConversation(initialId).then(afterNextPaint) : Promise.resolve()).then(() => this.#reads.readLocalData());
  }

  subscribe = (listener: () => void): (() => void) => this.#view.subscribe(listener);
  getSnapshot = (): WorkspaceState => this.#view.getSnapshot();

  /** The agent's undo window from now on: replies already held keep theirs. */
  setUndoWindow(ms: number): void {
    saveUndoWindow(this.#options.tenantId, this.#options.me.id, ms);
    this.#view.set({ undoWindowMs: ms });
  }

  /** The API region requests go to now ('': this page's origin). */
  get apiRegion(): string {
    return this.#options.origins?.current ?? '';
  }

  get api(): ApiClient {
    return this.#options.api;
  }

  /** Shows what IndexedDB holds as soon as it is read, then connects: the client, the inbox view, the directory. */
  async start(): Promise<void> {
    await this.#localRead;
    if (this.#stopped) return;
    void this.#client.start();
    // A new device: nothing stored yet, and a first sync brings the oldest changes first. The newest open
    // conversations are fetched at once for the inbox, beside the sync.
    if (Object.keys(this.#server.conversations).length === 0) void this.#reads.fetchInboxView();
    void this.#readDirectory();
  }

  /**
   * The directory (agents, canned replies) read until it is had. A new device has none stored, and one
   * failed read — a deadline missed under load, a server restarting, the first start offline — left its
   * menus empty until the next reload (a canned-reply test found it on a loaded CI machine).
   */
  async #readDirectory(): Promise<void> {
    for (let attempt = 0; !this.#stopped; attempt++) {
      if (await this.#reads.refreshDirectory(attempt)) return;
      await new Promise((resolve) => setTimeout(resolve, fullJitterDelay(attempt, directoryRetry)));
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#catchUp.stop();
    this.#view.close();
    void this.#client.stop();
    this.#repository.close();
  }

  /** Sign-out: stops, and the agent's local data goes at once (the eviction marker too); the server's session ends beside it. */
  async signOut(): Promise<void> {
    this.stop();
    this.#localData.clear();
    await this.#client.signOut();
  }

  syncNow(): Promise<void> {
    return this.#client.syncNow();
  }

  /**
   * Loads a conversation unless it is loaded or loading already. Once loaded, every sync page keeps its
   * messages current, so opening it again needs no read.
   */
  ensureConversation(id: string): Promise<void> {
    if (this.#server.messages[id]) return Promise.resolve();
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = this.#reads.loadConversation(id).finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /**
   * The conversation on screen (null: none): fetched again, with backoff, while the device holds fewer
   * of its messages than the server says it has; the state says how much is here (`openThread`).
   */
  viewConversation(id: string | null): void {
    this.#catchUp.follow(id);
  }

  /**
   * Queues one action for the conversation, carrying the version the agent saw. Resolves with its id once
   * it is durably in the outbox — it is on screen from then on, and reaches the server when it can.
   * Replies are held for the undo window first.
   */
  async act<Type extends WorkspaceActionType>(type: Type, conversationId: string, payload: WorkspaceActionPayloads[Type]): Promise<string> {
    const seen = this.#server.conversations[conversationId];
    const action = createWorkspaceAction(type, conversationId, payload, { baseVersion: seen?.version });
    try {
      const { undoWindowMs } = this.getSnapshot();
      await this.#client.act(action, type === 'send' && undoWindowMs > 0 ? { holdMs: undoWindowMs } : {});
    } catch (error) {
      // Never swallowed: said on screen, and the caller keeps what the agent wrote (the composer its text).
      if (isHoldfastError(error, 'storage-full')) this.#view.set({ refusedAction: storageFullNotice(type) });
      throw error;
    }
    return action.id;
  }

  /** Takes back a reply still in its undo window; false when it is already on its way. */
  undo(actionId: string): Promise<boolean> {
    return this.#client.cancel(actionId);
  }

  /** Puts a failed action back in the queue, as it was. */
  retryFailed(actionId: string): Promise<void> {
    return this.#client.retry(actionId);
  }

  /**
   * Resolves a conflict in the agent's favour: the same intent as a new action, made against the state the
   * server reported, so the server applies it instead of finding the same conflict again.
   */
  applyAnyway(failed: FailedAction): Promise<void> {
    const known = this.#server.conversations[failed.action.targetId]?.version;
    return this.#client.retry(failed.action.id, againstServerState(failed, known));
  }

  discardFailed(actionId: string): Promise<void> {
    return this.#client.discard(actionId);
  }

  /** For monitoring: pending count, oldest pending age, failed count, last replay throughput. */
  outboxHealth() {
    return this.#client.health();
  }

  /** The agent read the notice: it goes. */
  dismiss(notice: 'localDataLost' | 'refusedAction'): void {
    this.#view.set({ [notice]: null });
  }

  /** Unsent replies per conversation, kept in IndexedDB (saves are batched: `flush` writes them now). */
  readonly drafts = {
    read: (conversationId: string) => this.#repository.readDraft(conversationId),
    save: (conversationId: string, text: string) => this.#repository.saveDraft(conversationId, text),
    flush: () => this.#repository.flushDrafts(),
  };

  /**
   * This agent's presence heartbeat on a conversation: who else has it open, or undefined when the
   * server sheds or fails it (the breaker then stops asking for a while). Never throws.
   */
  beatPresence(conversationId: string, state: { typing: boolean; leaving: boolean }): Promise<{ viewers: Viewer[] } | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    return this.#sheddable.run((signal) => this.api.presence({ conversationId, ...state }, signal));
  }

  /** Changes server state; the screen's state is derived again from it and the outbox. */
  #setServer(patch: (server: ServerState) => Partial<ServerState>, extra: Partial<WorkspaceState> = {}) {
    this.#server = { ...this.#server, ...patch(this.#server) };
    this.#publish(extra);
    // What the device holds changed: the conversation on screen may be found short (or whole).
    this.#catchUp?.check();
  }

  #publish(extra: Partial<WorkspaceState> = {}) {
    this.#view.set({ ...extra, ...workspaceView(this.#server, this.#client.overlays(), this.#options.me) });
  }

  /**
   * Actions left the queue; the client keeps applied ones drawn until a sync brings their full effect. The
   * state the server answered for each conversation (version, status, assignee) is taken at once, with no
   * re-read of the queue; the client then pulls what else changed (the change event may have come first).
   */
  #onSettled({ applied }: SettledActions): void {
    const states = applied.flatMap((result) => (isConversationState(result.state) ? [result.state] : []));
    this.#setServer((server) => ({ conversations: withServerStates(server.conversations, states) }));
  }
}

/** Resolves after the browser has painted the state set so far (a frame, then a task after it). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** Retries of the directory's read: from a second, doubling to half a minute, with full jitter (a floor of devices back at once). */
const directoryRetry = { initialDelayMs: 1000, maxDelayMs: 30_000 };
