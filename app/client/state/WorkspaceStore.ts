import { ExternalStore, isHoldfastError, SheddableCalls, type FailedAction, type OfflineClient, type SettledActions } from 'holdfast/client';
import { createWorkspaceAction, mergeMessages, type WorkspaceAction, type WorkspaceActionPayloads, type WorkspaceActionType } from '../../shared/client.js';
import type { ApiClient, SyncPage, Viewer } from '../api/ApiClient.js';
import { LocalDataCheck } from './LocalDataCheck.js';
import { localDataMarkerKey } from './localData.js';
import { isConversationState, mergeConversations, sortAgents, withServerStates } from './serverState.js';
import { ThreadCatchUp } from './ThreadCatchUp.js';
import { saveUndoWindow } from './undoWindow.js';
import { workspaceClient } from './workspaceClient.js';
import { WorkspaceRepository } from './workspaceRepository.js';
import { initialState, type WorkspaceState } from './workspaceState.js';
import { workspaceStoreDefaults, type WorkspaceStoreOptions } from './workspaceStoreOptions.js';
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
  readonly #sheddable = new SheddableCalls({ onStateChange: (sheddable) => this.#view.set({ sheddable }) });
  readonly #loading = new Map<string, Promise<void>>();
  readonly #localRead: Promise<void>;
  #server: ServerState = { conversations: {}, messages: {} };
  #stopped = false;

  constructor(options: WorkspaceStoreOptions) {
    this.#options = workspaceStoreDefaults(options);
    const { api, tenantId, me, origins } = options;
    this.#view.set({ undoWindowMs: this.#options.undoWindowMs });
    this.#repository = new WorkspaceRepository({
      tenantId,
      agentId: me.id,
      // Signed out meanwhile: this store is done, there is nothing to move to a newer release.
      onVersionChange: async () => void (!this.#stopped && this.#options.onNewerRelease()),
      onBlocked: (databaseBlocked) => this.#view.set({ databaseBlocked }),
    });
    this.#localData = new LocalDataCheck(localDataMarkerKey(tenantId, me.id), localStorage, (localDataLost) => this.#view.set({ localDataLost }));
    this.#client = workspaceClient(this.#options, {
      repository: this.#repository,
      readDeadlineMs: () => this.#readDeadlineMs(),
      applyPage: (page) => this.#applyPage(page),
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
    this.#catchUp = new ThreadCatchUp({
      // Each try's deadline doubles, up to 4× the read deadline: a server answering a long thread in 20 s
      // must not miss a fixed 5 s deadline every time.
      fetch: (id, attempt) => this.#fetchConversation(id, Math.min(4, 2 ** attempt) * this.#readDeadlineMs()),
      held: (id) => {
        const messages = this.#server.messages[id];
        return messages ? { held: messages.length, total: this.#server.conversations[id]?.messageCount } : null;
      },
      onChange: (openThread) => {
        const shown = this.getSnapshot().openThread;
        if (shown?.id !== openThread?.id || shown?.held !== openThread?.held || shown?.total !== openThread?.total || shown?.fetching !== openThread?.fetching) this.#view.set({ openThread });
      },
    });
    // Reading IndexedDB starts with the store, not after React's first paint: the cold-start path. The
    // deep-linked conversation is read first and painted before the inbox is read: the 10,000-row inbox
    // read materialises on the main thread (~200 ms here) and would otherwise hold back that paint.
    const initialId = this.#options.initialConversationId;
    this.#localRead = (initialId ? this.ensureConversation(initialId).then(afterNextPaint) : Promise.resolve()).then(() => this.#readLocalData());
  }

  subscribe = (listener: () => void): (() => void) => this.#view.subscribe(listener);
  getSnapshot = (): WorkspaceState => this.#view.getSnapshot();

  get undoWindowMs(): number {
    return this.getSnapshot().undoWindowMs;
  }

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
    if (Object.keys(this.#server.conversations).length === 0) void this.#fetchInboxView();
    void this.#refreshDirectory();
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
      loading = this.#loadConversation(id).finally(() => this.#loading.delete(id));
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
      await this.#client.act(action, type === 'send' && this.undoWindowMs > 0 ? { holdMs: this.undoWindowMs } : {});
    } catch (error) {
      // Never swallowed: said on screen, and the caller keeps what the agent wrote (the composer its text).
      if (isHoldfastError(error, 'storage-full'))
        this.#view.set({ refusedAction: { message: `Not saved: this device's storage is full, even after removing cached images. ${type === 'send' ? 'Your reply is still in the box. ' : ''}Free some space on this device (or close other sites' tabs and data), then try again. Nothing queued before was lost.`, at: Date.now() } });
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
    const action = failed.action as WorkspaceAction;
    const current = (failed.state as { version?: number } | undefined)?.version ?? this.#server.conversations[action.targetId]?.version;
    const replacement = createWorkspaceAction(action.type, action.targetId, action.payload as never, { baseVersion: current });
    return this.#client.retry(action.id, replacement);
  }

  discardFailed(actionId: string): Promise<void> {
    return this.#client.discard(actionId);
  }

  /** For monitoring: pending count, oldest pending age, failed count, last replay throughput. */
  outboxHealth() {
    return this.#client.health();
  }

  dismissLocalDataLost(): void {
    this.#view.set({ localDataLost: null });
  }

  dismissRefusedAction(): void {
    this.#view.set({ refusedAction: null });
  }

  readDraft(conversationId: string): Promise<string> {
    return this.#repository.readDraft(conversationId);
  }

  saveDraft(conversationId: string, text: string): void {
    this.#repository.saveDraft(conversationId, text);
  }

  flushDrafts(): Promise<void> {
    return this.#repository.flushDrafts();
  }

  /**
   * This agent's presence heartbeat on a conversation: who else has it open, or undefined when the
   * server sheds or fails it (the breaker then stops asking for a while). Never throws.
   */
  beatPresence(conversationId: string, state: { typing: boolean; leaving: boolean }): Promise<{ viewers: Viewer[] } | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    return this.#sheddable.run((signal) => this.api.presence({ conversationId, ...state }, signal));
  }

  /**
   * A read's deadline: `readTimeoutMs` (5 s), stretched up to 4× on a network whose answers are slow
   * (4× the region's p95): a slow network is not a dead server.
   */
  #readDeadlineMs(): number {
    return this.#options.origins?.deadlineMs(this.#options.readTimeoutMs) ?? this.#options.readTimeoutMs;
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
   * state the server answered for each conversation (version, status, assignee) is taken at once: no
   * re-read of the queue and no sync of its own — the event stream's change notice brings the rest.
   */
  #onSettled({ applied }: SettledActions): void {
    const states = applied.flatMap((result) => (isConversationState(result.state) ? [result.state] : []));
    this.#setServer((server) => ({ conversations: withServerStates(server.conversations, states) }));
  }

  async #readLocalData(): Promise<void> {
    performance.mark('holdfast:store-start');
    const { conversations, agents, cannedReplies, lastSyncAt, cursor } = await this.#repository.readLocalData();
    this.#client.readFrom(cursor);
    this.#localData.databaseRead(cursor, this.#client.getSnapshot().outbox);
    performance.mark('holdfast:local-data-read');
    this.#setServer((server) => ({ conversations: mergeConversations(server.conversations, conversations) }), {
      loaded: conversations.length > 0,
      agents: sortAgents(agents),
      cannedReplies,
      lastSyncAt: lastSyncAt ?? null,
    });
  }

  /** One server page → one IndexedDB transaction (data and cursor together) → the screen. */
  async #applyPage(page: SyncPage): Promise<void> {
    // A first sync's progress: the total from its first page, then each page's changes as they are stored.
    const items = page.conversations.length + page.messages.length;
    const progress = page.remaining !== undefined ? { done: 0, total: page.remaining } : this.getSnapshot().syncProgress;
    const { newer, syncedAt } = await this.#repository.applyPage(page);
    this.#localData.synced(page.cursor, this.#client.getSnapshot().outbox);
    this.#setServer(
      (server) => {
        const messages = { ...server.messages };
        for (const message of page.messages) {
          const current = messages[message.conversationId];
          if (current) messages[message.conversationId] = mergeMessages(current, [message]);
        }
        return { conversations: mergeConversations(server.conversations, newer), messages };
      },
      {
        lastSyncAt: syncedAt,
        loaded: this.getSnapshot().loaded || Object.keys(this.#server.conversations).length + newer.length > 0,
        syncProgress: progress && page.hasMore ? { done: progress.done + items, total: Math.max(progress.total, progress.done + items) } : null,
      },
    );
  }

  async #loadConversation(id: string): Promise<void> {
    const { conversation, messages } = await this.#repository.readConversation(id);
    performance.mark('holdfast:messages-read');
    // A new device (or a sync that has not reached it yet): #setServer has the catch-up fetch this
    // conversation, not wait for the tenant's whole first sync, and keep fetching it until it is whole.
    this.#setServer((server) => ({
      messages: { ...server.messages, [id]: messages },
      conversations: conversation ? mergeConversations(server.conversations, [conversation]) : server.conversations,
    }));
  }

  /** The newest open conversations, written into IndexedDB (newer than what is there) and shown. The cursor does not move. */
  async #fetchInboxView(): Promise<void> {
    try {
      const { conversations } = await this.api.openConversations(200, AbortSignal.timeout(this.#readDeadlineMs()));
      const newer = await this.#repository.storeConversations(conversations);
      this.#setServer((server) => ({ conversations: mergeConversations(server.conversations, newer) }), { loaded: this.getSnapshot().loaded || newer.length > 0 });
    } catch (error) {
      this.#client.noteRead(error);
    }
  }

  /**
   * One conversation from the server, written into IndexedDB (newer than what is there) and shown. The
   * cursor does not move. Rejects when it could not (after noting the failure): the catch-up tries again.
   */
  async #fetchConversation(id: string, deadlineMs: number): Promise<void> {
    let fetched: Awaited<ReturnType<ApiClient['conversation']>>;
    try {
      fetched = await this.api.conversation(id, AbortSignal.timeout(deadlineMs));
    } catch (error) {
      this.#client.noteRead(error);
      throw error;
    }
    this.#client.noteAnswered();
    const newer = await this.#repository.storeConversation(fetched.conversation, fetched.messages);
    this.#setServer((server) => ({
      messages: { ...server.messages, [id]: mergeMessages(server.messages[id] ?? [], fetched.messages) },
      conversations: mergeConversations(server.conversations, newer),
    }));
  }

  async #refreshDirectory(): Promise<void> {
    try {
      const signal = AbortSignal.timeout(this.#readDeadlineMs());
      const [{ agents }, { cannedReplies }] = await Promise.all([this.api.agents(signal), this.api.cannedReplies(signal)]);
      await this.#repository.storeDirectory(agents, cannedReplies);
      this.#view.set({ agents: sortAgents(agents), cannedReplies });
    } catch (error) {
      this.#client.noteRead(error);
    }
  }
}

/** Resolves after the browser has painted the state set so far (a frame, then a task after it). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
