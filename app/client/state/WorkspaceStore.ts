import {
  browserOutboxPlatform,
  LocalDataMarker,
  DeltaSync,
  ExternalStore,
  PendingOverlay,
  httpBatchTransport,
  OutboxClient,
  probeFor,
  ReachabilityMonitor,
  type FailedAction,
  type OutboxEntry,
  type SettledActions,
  browserReachabilityPlatform,
  SharedEventStream,
  SheddableCalls,
  eventReadPosition,
  pushedPage,
  isHoldfastError,
  type ApiOrigins,
} from 'holdfast/client';
import {
  compactWorkspaceActions,
  workspaceLegacyTargetField,
  conversationWithPending,
  createWorkspaceAction,
  mediaCacheName,
  mergeMessages,
  messagesWithPending,
  readConversationMessages,
  storeThreadMessages,
  type Agent,
  type Conversation,
  type ConversationView,
  type Message,
  type PendingMessage,
  type WorkspaceActionPayloads,
  type WorkspaceAction,
  type WorkspaceActionType,
  type WorkspaceDatabase,
} from '../../shared/client.js';
import { apiRequestHeaders, ApiRequestError, type ApiClient, type SyncPage, type Viewer } from '../api/ApiClient.js';
import { localDataMarkerKey, outboxScope } from './localData.js';
import { ThreadCatchUp } from './ThreadCatchUp.js';
import { saveUndoWindow } from './undoWindow.js';
import { openWorkspaceDatabaseOnce } from './preopenDatabase.js';
import { initialState, type WorkspaceState } from './workspaceState.js';
export type { WorkspaceState } from './workspaceState.js';
import { isConversationState, mergeConversations, sortAgents, withServerStates } from './serverState.js';

export type WorkspaceStoreOptions = {
  api: ApiClient;
  /** The API's regions: the outbox, the readiness probe and the event stream follow the one in rotation. */
  origins?: ApiOrigins;
  tenantId: string;
  me: Agent;
  /** The API refused our token (the outbox got a 401): the app asks the agent to sign in again. */
  onSessionExpired?: () => void;
  /** How long a reply can still be taken back before it may be sent; default 4 s (the agent changes it: setUndoWindow). */
  undoWindowMs?: number;
  /** Deadline for each read from the server; the screen never waits on it. Default 5 s. */
  readTimeoutMs?: number;
  /** The conversation in the URL at a cold start: read before the inbox, so a deep link renders first. */
  initialConversationId?: string;
  /** Fetch the next sync page while one is stored (default true); see DeltaSync's `prefetch`. */
  syncPrefetch?: boolean;
  /** Another tab runs a newer release that upgraded the local database; default: reload onto it. */
  onNewerRelease?: () => void;
};

/** What the local store and sync hold: the server's word, before the outbox is drawn over it. */
type ServerState = { conversations: Readonly<Record<string, Conversation>>; messages: Readonly<Record<string, readonly Message[]>> };


/**
 * The workspace's data on the page. Local first: the UI reads only this store, which starts from
 * IndexedDB and is then kept current by delta sync and the event stream, each server page written to
 * IndexedDB in one transaction before it is shown. A dead or slow server delays freshness, never the screen.
 * React reads it through useSyncExternalStore (subscribe / getSnapshot).
 *
 * Writes go to the outbox (IndexedDB) and show at once: the screen is the server's state with the
 * still-pending actions drawn over it. When the server confirms them, the next sync brings the same
 * state from the server; until it lands, confirmed actions stay drawn (unmarked), so nothing flickers.
 */
export class WorkspaceStore {
  readonly #view = new ExternalStore<WorkspaceState>(initialState);
  readonly #options: Required<Omit<WorkspaceStoreOptions, 'origins'>> & Pick<WorkspaceStoreOptions, 'origins'>;
  readonly #reachability: ReachabilityMonitor;
  readonly #sync: DeltaSync<SyncPage>;
  #db: Promise<WorkspaceDatabase> | undefined;
  #draftWrites: Promise<void> = Promise.resolve();
  /** The sync cursor of the state this tab holds (see readCursor); undefined until local data is read. */
  #cursor: string | undefined;
  #closeStream: (() => void) | undefined;
  /** The newest event's position: pulls must see at least that much (a lagging read replica: readPosition). */
  #readPosition: string | undefined;
  readonly #sheddable = new SheddableCalls({ onStateChange: (sheddable) => this.#set({ sheddable }) });
  #stopped = false;
  readonly #localRead: Promise<void>;
  readonly #loading = new Map<string, Promise<void>>();
  readonly #outbox: OutboxClient;
  // Server state as synced; the public state draws the outbox over it (#publish).
  #server: ServerState = { conversations: {}, messages: {} };
  /** Pending and confirmed-but-not-yet-synced actions, drawn over the server state (the framework's bookkeeping). */
  readonly #overlay = new PendingOverlay();
  /** The conversation on screen, fetched again until the device holds it whole. */
  readonly #catchUp: ThreadCatchUp;
  /** Says whether the browser took the device's data away (eviction) since this agent's last visit. */
  readonly #marker: LocalDataMarker;
  /** Whether the database held synced data when read (undefined until read); the marker is checked once. */
  #heldData: boolean | undefined;
  #markerChecked = false;

  constructor(options: WorkspaceStoreOptions) {
    this.#options = { readTimeoutMs: 5000, initialConversationId: '', syncPrefetch: true, onNewerRelease: () => location.reload(), undoWindowMs: 4000, onSessionExpired: () => {}, ...options };
    const { api } = options;
    this.#reachability = new ReachabilityMonitor(browserReachabilityPlatform((signal) => api.probe(signal)));
    this.#view.set({ reachability: this.#reachability.state, undoWindowMs: this.#options.undoWindowMs });
    this.#outbox = new OutboxClient({
      scope: outboxScope(options.tenantId, options.me.id),
      transport: httpBatchTransport({ url: '/api/actions', headers: () => (this.#stopped ? null : apiRequestHeaders), fetch: options.origins?.fetch }),
      platform: browserOutboxPlatform(),
      probe: probeFor('/readyz', options.origins?.fetch),
      compaction: compactWorkspaceActions,
      legacyTargetField: workspaceLegacyTargetField,
      onSettled: (settled) => this.#onSettled(settled),
      onPaused: () => this.#options.onSessionExpired(),
      onReachable: () => this.#reachability.reportSuccess(),
      // Storage full as an action is queued: images can be fetched again, the agent's action cannot.
      makeRoom: async () => {
        if (typeof caches !== 'undefined') await caches.delete(mediaCacheName);
      },
      onUnreachable: () => this.#reachability.reportFailure(),
    });
    // Read before anything of this page can write it: what the last visit left.
    this.#marker = new LocalDataMarker(localDataMarkerKey(options.tenantId, options.me.id), localStorage);
    this.#outbox.subscribe(() => {
      this.#publish({ outbox: this.#outbox.snapshot });
      this.#checkLocalData();
    });
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
        if (shown?.id !== openThread?.id || shown?.held !== openThread?.held || shown?.total !== openThread?.total || shown?.fetching !== openThread?.fetching) this.#set({ openThread });
      },
    });
    this.#sync = new DeltaSync<SyncPage>({
      // A pull from the very start (a first sync) asks how much there is, for its progress.
      fetchPage: (cursor, signal) => api.sync(cursor, signal, { count: cursor === '0', minPosition: this.#readPosition }),
      applyPage: (page) => this.#applyPage(page),
      // This tab's own cursor: where the state it holds in memory has got to. The stored one is shared by
      // every tab: when one tab's pull moves it, another pulling from it would find nothing new and never
      // show what the first stored. Each tab asks from where it is; the stored cursor only moves forward.
      readCursor: async () => this.#cursor ?? (await (await this.#database()).get('meta', 'cursor')) ?? '0',
      requestTimeoutMs: () => this.#readDeadlineMs(),
      prefetch: this.#options.syncPrefetch,
    });
    // Reading IndexedDB starts with the store, not after React's first paint: the cold-start path. The
    // deep-linked conversation is read first and painted before the inbox is read: the 10,000-row inbox
    // read materialises on the main thread (~200 ms here) and would otherwise hold back that paint.
    const initialId = this.#options.initialConversationId;
    this.#localRead = (initialId ? this.ensureConversation(initialId).then(afterNextPaint) : Promise.resolve()).then(() => this.#readLocalData());
  }

  get undoWindowMs(): number {
    return this.getSnapshot().undoWindowMs;
  }

  /** The agent's undo window from now on: replies already held keep theirs. */
  setUndoWindow(ms: number): void {
    saveUndoWindow(this.#options.tenantId, this.#options.me.id, ms);
    this.#set({ undoWindowMs: ms });
  }

  /**
   * A read's deadline: `readTimeoutMs` (5 s), stretched up to 4× on a network whose answers are slow
   * (4× the region's p95): a slow network is not a dead server.
   */
  #readDeadlineMs(): number {
    return this.#options.origins?.deadlineMs(this.#options.readTimeoutMs) ?? this.#options.readTimeoutMs;
  }

  /** The API region requests go to now ('': this page's origin). */
  get apiRegion(): string {
    return this.#options.origins?.current ?? '';
  }

  get api(): ApiClient {
    return this.#options.api;
  }

  subscribe = (listener: () => void): (() => void) => this.#view.subscribe(listener);

  getSnapshot = (): WorkspaceState => this.#view.getSnapshot();

  #set(patch: Partial<WorkspaceState> | ((state: WorkspaceState) => Partial<WorkspaceState>)) {
    this.#view.set(patch);
  }

  /** Changes server state; the screen's state is derived again from it and the outbox. */
  #setServer(patch: (server: ServerState) => Partial<ServerState>, extra: Partial<WorkspaceState> = {}) {
    this.#server = { ...this.#server, ...patch(this.#server) };
    this.#publish(extra);
    // What the device holds changed: the conversation on screen may be found short (or whole).
    this.#catchUp?.check();
  }

  #publish(extra: Partial<WorkspaceState> = {}) {
    const outbox = extra.outbox ?? this.getSnapshot().outbox;
    const failedIds = new Set(outbox.failed.map((failed: FailedAction) => failed.action.id));
    const overlays = this.#overlay.byTarget(
      outbox.pending.map((entry: OutboxEntry) => entry.action),
      failedIds,
    );
    const { conversations: serverConversations, messages: serverMessages } = this.#server;
    let conversations: Record<string, ConversationView> = serverConversations as Record<string, ConversationView>;
    let messages: Record<string, readonly (Message | PendingMessage)[]> = serverMessages as Record<string, readonly Message[]>;
    if (overlays.size > 0) {
      conversations = { ...conversations };
      messages = { ...messages };
      for (const [id, { pending, confirmed }] of overlays) {
        const conversation = serverConversations[id];
        if (conversation) conversations[id] = conversationWithPending(conversation, pending, confirmed);
        const loaded = serverMessages[id];
        if (loaded) messages[id] = messagesWithPending(loaded, pending, this.#options.me, confirmed);
      }
    }
    this.#set({ ...extra, conversations, messages });
  }

  /**
   * Actions left the queue. Applied ones stay drawn (as confirmed) until a sync brings their full effect,
   * and the state the server answered for each conversation (version, status, assignee) is taken at once:
   * no re-read of the queue and no sync of its own — the event stream's change notice brings the rest.
   */
  #onSettled({ applied, removed }: SettledActions): void {
    const appliedIds = new Set(applied.map((result) => result.action.id));
    this.#overlay.confirm(removed.filter((action) => appliedIds.has(action.id)));
    const states = applied.flatMap((result) => (isConversationState(result.state) ? [result.state] : []));
    this.#setServer((server) => ({ conversations: withServerStates(server.conversations, states) }));
  }

  #database(): Promise<WorkspaceDatabase> {
    if (this.#db) return this.#db;
    this.#db = openWorkspaceDatabaseOnce(this.#options.tenantId, this.#options.me.id, {
      // A newer release, in another tab, upgrades the database: this tab's drafts are stored on the
      // connection still open, then it closes, and this tab moves to that release (its code could not
      // open the database any more).
      onVersionChange: async () => {
        await this.flushDrafts();
        this.#db = undefined;
        // Signed out meanwhile: this store is done, there is nothing to move to a newer release.
        if (!this.#stopped) this.#options.onNewerRelease();
      },
      // Another tab of an older release holds the database open: say so (the open completes when it lets go).
      onBlocked: () => this.#set({ databaseBlocked: true }),
    });
    // Once per open (not per access: this runs on every read and write of the store).
    void this.#db.then(() => this.getSnapshot().databaseBlocked && this.#set({ databaseBlocked: false }), () => undefined);
    return this.#db;
  }

  async #readLocalData(): Promise<void> {
    performance.mark('holdfast:store-start');
    const db = await this.#database();
    performance.mark('holdfast:database-open');
    const [conversations, agents, cannedReplies, lastSyncAt, cursor] = await Promise.all([
      db.getAll('conversations'),
      db.getAll('agents'),
      db.getAll('cannedReplies'),
      db.get('meta', 'lastSyncAt'),
      db.get('meta', 'cursor'),
    ]);
    this.#cursor ??= cursor;
    this.#heldData = cursor !== undefined;
    this.#checkLocalData();
    performance.mark('holdfast:local-data-read');
    this.#setServer((server) => ({ conversations: mergeConversations(server.conversations, conversations) }), {
      loaded: conversations.length > 0,
      agents: sortAgents(agents),
      cannedReplies,
      lastSyncAt: lastSyncAt ?? null,
    });
  }

  /** Shows what IndexedDB holds as soon as it is read, then connects: event stream, sync, team directory. */
  async start(): Promise<void> {
    await this.#localRead;
    if (this.#stopped) return;

    this.#reachability.subscribe((reachability) => {
      this.#set({ reachability });
      if (reachability === 'online') {
        void this.syncNow();
        this.#outbox.serverReachable();
        this.#catchUp.reconnected();
      }
    });
    void this.#outbox.start();
    this.#reachability.start();
    // A new device: nothing stored yet, and a first sync brings the oldest changes first. The newest open
    // conversations are fetched at once for the inbox, beside the sync.
    if (Object.keys(this.#server.conversations).length === 0) void this.#fetchInboxView();
    const platform = browserOutboxPlatform();
    // One server stream for all of this agent's tabs: the leader tab holds it and relays to the others.
    const stream = new SharedEventStream({
      name: `holdfast-events:${outboxScope(this.#options.tenantId, this.#options.me.id)}`,
      locks: platform.locks,
      openChannel: platform.openChannel,
      url: (lastEventId) => (this.#options.origins?.url ?? ((path: string) => path))(`/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`),
      headers: () => apiRequestHeaders,
      // A connected stream proves the server is reachable; a broken one is retried by the stream itself.
      onStatus: (connected) => {
        this.#set((state) => ({ stream: { ...state.stream, connected } }));
        if (connected) {
          this.#reachability.reportSuccess();
          this.#catchUp.reconnected();
        }
      },
      onLeadership: (leading) => this.#set((state) => ({ stream: { ...state.stream, leading } })),
      // A `change` carries its page: applied from the event when this tab holds everything before it
      // (DeltaSync.applyPushed), pulled otherwise. `ready` (the stream starts "now") and `resync` (too far
      // behind to replay) prompt a pull, which catches up page by page from this tab's cursor.
      onEvent: (event) => {
        this.#set((state) => ({ stream: { ...state.stream, lastEventId: event.id ?? state.stream.lastEventId, eventsReceived: state.stream.eventsReceived + 1 } }));
        // Behind a read replica, the pull this event prompts must see what it announced.
        this.#readPosition = eventReadPosition(event.data) ?? this.#readPosition;
        if (event.event === 'change') void this.#applyEvent(event.data);
        if (event.event === 'ready' || event.event === 'resync') void this.syncNow();
        if (event.event === 'resync') this.#catchUp.reconnected();
      },
    });
    stream.start();
    this.#closeStream = () => stream.stop();
    void this.#refreshDirectory();
  }

  stop(): void {
    this.#stopped = true;
    this.#catchUp.stop();
    this.#view.close();
    void this.#outbox.stop();
    this.#closeStream?.();
    this.#reachability.stop();
    void this.#db?.then((db) => db.close());
  }

  /**
   * A `change` event: its page applied as it comes, or a pull when it cannot be (a gap before it, a page
   * withheld as too large, or one that does not parse). Actions confirmed but still drawn over the state
   * are landed by a pull after it: the event may have been read before they committed.
   */
  async #applyEvent(data: string | undefined): Promise<void> {
    const pushed = pushedPage<SyncPage>(data, (page) => Array.isArray(page.conversations) && Array.isArray(page.messages));
    if (!pushed) return this.syncNow();
    try {
      if ((await this.#sync.applyPushed(pushed.from, pushed.page)) === 'gap') return this.syncNow();
      this.#reachability.reportSuccess();
      performance.mark('holdfast:event-applied', { detail: { cursor: pushed.page.cursor } });
    } catch (error) {
      this.#noteFailure(error);
      return;
    }
    if (this.#overlay.holdsConfirmed) await this.syncNow();
  }

  /** Pulls every change since the stored cursor. Failures only change the status line. */
  async syncNow(): Promise<void> {
    // Confirmed actions drawn now are in the server state this pull brings (it starts after them).
    const landed = this.#overlay.syncStarting();
    this.#set({ syncing: true });
    try {
      await this.#sync.pull();
      this.#reachability.reportSuccess();
      if (landed()) this.#publish();
    } catch (error) {
      this.#noteFailure(error);
    } finally {
      this.#set({ syncing: false, syncProgress: null });
    }
  }

  async #refreshDirectory(): Promise<void> {
    try {
      const signal = AbortSignal.timeout(this.#readDeadlineMs());
      const [{ agents }, { cannedReplies }] = await Promise.all([this.api.agents(signal), this.api.cannedReplies(signal)]);
      const db = await this.#database();
      const tx = db.transaction(['agents', 'cannedReplies'], 'readwrite');
      await Promise.all([tx.objectStore('agents').clear(), tx.objectStore('cannedReplies').clear()]);
      await Promise.all([...agents.map((agent) => tx.objectStore('agents').put(agent)), ...cannedReplies.map((reply) => tx.objectStore('cannedReplies').put(reply))]);
      await tx.done;
      this.#set({ agents: sortAgents(agents), cannedReplies });
    } catch (error) {
      this.#noteFailure(error);
    }
  }

  /** One server page → one IndexedDB transaction (data and cursor together) → the screen. */
  async #applyPage(page: SyncPage): Promise<void> {
    // A first sync's progress: the total from its first page, then each page's changes as they are stored.
    const items = page.conversations.length + page.messages.length;
    const progress = page.remaining !== undefined ? { done: 0, total: page.remaining } : this.getSnapshot().syncProgress;
    const db = await this.#database();
    const tx = db.transaction(['conversations', 'threads', 'meta'], 'readwrite');
    const syncedAt = new Date().toISOString();
    const meta = tx.objectStore('meta');
    const [newer] = await Promise.all([
      putNewerConversations(tx.objectStore('conversations'), page.conversations),
      storeThreadMessages(tx.objectStore('threads'), page.messages),
      meta.get('cursor').then((stored) => (stored !== undefined && BigInt(stored) >= BigInt(page.cursor) ? undefined : meta.put(page.cursor, 'cursor'))),
      meta.put(syncedAt, 'lastSyncAt'),
    ]);
    await tx.done;
    this.#marker.noteSynced();
    this.#checkLocalData();
    // Only forward: a pushed page and a pull's page may be stored in either order (both follow a cursor this
    // tab held, so whichever is further holds everything before it).
    if (this.#cursor === undefined || BigInt(page.cursor) > BigInt(this.#cursor)) this.#cursor = page.cursor;
    this.#setServer((server) => {
      const messages = { ...server.messages };
      for (const message of page.messages) {
        const current = messages[message.conversationId];
        if (current) messages[message.conversationId] = mergeMessages(current, [message]);
      }
      return { conversations: mergeConversations(server.conversations, newer), messages };
    }, {
      lastSyncAt: syncedAt,
      loaded: this.getSnapshot().loaded || Object.keys(this.#server.conversations).length + newer.length > 0,
      syncProgress: progress && page.hasMore ? { done: progress.done + items, total: Math.max(progress.total, progress.done + items) } : null,
    });
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
   * A conversation and its messages, from IndexedDB. Reads its own record too, so a deep link renders
   * without waiting for the whole inbox to be read.
   */
  async #loadConversation(id: string): Promise<void> {
    const db = await this.#database();
    const [conversation, messages] = await Promise.all([db.get('conversations', id), readConversationMessages(db, id)]);
    performance.mark('holdfast:messages-read');
    this.#setServer((server) => ({
      messages: { ...server.messages, [id]: messages },
      conversations: conversation ? mergeConversations(server.conversations, [conversation]) : server.conversations,
    }));
    // A new device (or a sync that has not reached it yet): #setServer above had the catch-up fetch this
    // conversation, not wait for the tenant's whole first sync, and keep fetching it until it is whole.
    // Not awaited: what IndexedDB holds is shown (and the inbox read) meanwhile.
  }

  /**
   * The conversation on screen (null: none): fetched again, with backoff, while the device holds fewer
   * of its messages than the server says it has; the state says how much is here (`openThread`).
   */
  viewConversation(id: string | null): void {
    this.#catchUp.follow(id);
  }

  /** The newest open conversations, written into IndexedDB (newer than what is there) and shown. The cursor does not move. */
  async #fetchInboxView(): Promise<void> {
    let conversations: Conversation[];
    try {
      ({ conversations } = await this.#options.api.openConversations(200, AbortSignal.timeout(this.#readDeadlineMs())));
    } catch (error) {
      this.#noteFailure(error);
      return;
    }
    const db = await this.#database();
    const tx = db.transaction('conversations', 'readwrite');
    const newer = await putNewerConversations(tx.store, conversations);
    await tx.done;
    this.#setServer((server) => ({ conversations: mergeConversations(server.conversations, newer) }), { loaded: this.getSnapshot().loaded || newer.length > 0 });
  }

  /**
   * One conversation from the server, written into IndexedDB (newer than what is there) and shown. The
   * cursor does not move. Rejects when it could not (after noting the failure): the catch-up tries again.
   */
  async #fetchConversation(id: string, deadlineMs: number): Promise<void> {
    let fetched: { conversation: Conversation; messages: Message[] };
    try {
      fetched = await this.#options.api.conversation(id, AbortSignal.timeout(deadlineMs));
    } catch (error) {
      this.#noteFailure(error);
      throw error;
    }
    this.#reachability.reportSuccess();
    const db = await this.#database();
    const tx = db.transaction(['conversations', 'threads'], 'readwrite');
    const [newer] = await Promise.all([
      putNewerConversations(tx.objectStore('conversations'), [fetched.conversation]),
      storeThreadMessages(tx.objectStore('threads'), fetched.messages),
      tx.done,
    ]);
    this.#setServer((server) => ({
      messages: { ...server.messages, [id]: mergeMessages(server.messages[id] ?? [], fetched.messages) },
      conversations: mergeConversations(server.conversations, newer),
    }));
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
      await this.#outbox.enqueue(action, type === 'send' && this.undoWindowMs > 0 ? { holdMs: this.undoWindowMs } : {});
    } catch (error) {
      // Never swallowed: said on screen, and the caller keeps what the agent wrote (the composer its text).
      if (isHoldfastError(error, 'storage-full'))
        this.#set({ refusedAction: { message: `Not saved: this device's storage is full, even after removing cached images. ${type === 'send' ? 'Your reply is still in the box. ' : ''}Free some space on this device (or close other sites' tabs and data), then try again. Nothing queued before was lost.`, at: Date.now() } });
      throw error;
    }
    return action.id;
  }

  /**
   * Once the database is read and the outbox loaded: did the browser delete the device's data while the
   * session lived on? Then say so (what was lost, unsent work among it); the first sync is already
   * restoring what the server has. After that, keeps the marker's unsent count current.
   */
  #checkLocalData(): void {
    const outbox = this.#outbox.snapshot;
    if (this.#heldData === undefined || !outbox.loaded) return;
    const unsent = outbox.pending.length + outbox.failed.length;
    if (!this.#markerChecked) {
      this.#markerChecked = true;
      const lost = this.#marker.check(this.#heldData, unsent);
      if (lost) this.#set({ localDataLost: lost });
    }
    this.#marker.noteUnsent(unsent);
  }

  dismissLocalDataLost(): void {
    this.#set({ localDataLost: null });
  }

  dismissRefusedAction(): void {
    this.#set({ refusedAction: null });
  }

  /** The conversation's unsent draft ('' when none). */
  async readDraft(conversationId: string): Promise<string> {
    return (await (await this.#database()).get('drafts', conversationId))?.text ?? '';
  }

  /**
   * Keeps what the agent typed (an empty text deletes the draft). Writes go one after another, so the
   * last text typed is the one stored; `flushDrafts` waits for them (before a reload onto a new version).
   */
  saveDraft(conversationId: string, text: string): void {
    this.#draftWrites = this.#draftWrites.then(async () => {
      const db = await this.#database();
      if (text === '') await db.delete('drafts', conversationId);
      else await db.put('drafts', { conversationId, text, updatedAt: new Date().toISOString() });
    }).catch(() => undefined);
  }

  flushDrafts(): Promise<void> {
    return this.#draftWrites;
  }

  /** Takes back a reply still in its undo window; false when it is already on its way. */
  async undo(actionId: string): Promise<boolean> {
    this.#overlay.cancel(actionId);
    const cancelled = await this.#outbox.cancel(actionId);
    if (!cancelled) this.#overlay.restore(actionId);
    return cancelled;
  }

  /** Puts a failed action back in the queue, as it was. */
  retryFailed(actionId: string): Promise<void> {
    return this.#outbox.retry(actionId);
  }

  /**
   * Resolves a conflict in the agent's favour: the same intent as a new action, made against the state the
   * server reported, so the server applies it instead of finding the same conflict again.
   */
  applyAnyway(failed: FailedAction): Promise<void> {
    const action = failed.action as WorkspaceAction;
    const current = (failed.state as { version?: number } | undefined)?.version ?? this.#server.conversations[action.targetId]?.version;
    const replacement = createWorkspaceAction(action.type, action.targetId, action.payload as never, { baseVersion: current });
    return this.#outbox.retry(action.id, replacement);
  }

  discardFailed(actionId: string): Promise<void> {
    return this.#outbox.discard(actionId);
  }

  /** For monitoring: pending count, oldest pending age, failed count, last replay throughput. */
  outboxHealth() {
    return this.#outbox.health();
  }

  /**
   * This agent's presence heartbeat on a conversation: who else has it open, or undefined when the
   * server sheds or fails it (the breaker then stops asking for a while). Never throws.
   */
  beatPresence(conversationId: string, state: { typing: boolean; leaving: boolean }): Promise<{ viewers: Viewer[] } | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    return this.#sheddable.run((signal) => this.api.presence({ conversationId, ...state }, signal));
  }

  #noteFailure(error: unknown) {
    // A read past its deadline is a slow server unless a probe says it is gone; no answer at all is unreachable.
    if (error instanceof ApiRequestError && error.code === 'timeout') void this.#reachability.reportSlow();
    else if (error instanceof ApiRequestError && error.status === 0) this.#reachability.reportFailure();
    else if (error instanceof ApiRequestError) this.#reachability.reportSuccess();
  }
}

/**
 * Stores the conversations not older than the stored copy (a server answer may arrive after a newer
 * one: a sync page and a direct read race), inside the caller's transaction; answers those it stored.
 */
async function putNewerConversations(
  store: { get(id: string): Promise<Conversation | undefined>; put(conversation: Conversation): Promise<unknown> },
  conversations: readonly Conversation[],
): Promise<Conversation[]> {
  const stored = await Promise.all(conversations.map((conversation) => store.get(conversation.id)));
  const newer = conversations.filter((conversation, index) => !stored[index] || stored[index]!.version <= conversation.version);
  await Promise.all(newer.map((conversation) => store.put(conversation)));
  return newer;
}

/** Resolves after the browser has painted the state set so far (a frame, then a task after it). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
