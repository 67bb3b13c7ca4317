import type { ActionResult } from '../../shared/index.js';
import { DeltaSync, ReachabilityMonitor, type Reachability } from '../../shared/client.js';
import {
  createWorkspaceAction,
  readConversationMessages,
  type Agent,
  type CannedReply,
  type Conversation,
  type ConversationState,
  type Message,
  type WorkspaceActionPayloads,
  type WorkspaceActionType,
  type WorkspaceDatabase,
} from '../../shared/workspace/client.js';
import { ApiRequestError, type ApiClient, type SyncPage } from '../api/ApiClient.js';
import { readEventStream } from '../api/readEventStream.js';
import { browserReachabilityPlatform } from './browserPlatform.js';
import { openWorkspaceDatabaseOnce } from './preopenDatabase.js';

export type Notice = { kind: 'error' | 'conflict' | 'info'; text: string };

export type WorkspaceState = {
  /** The inbox has something to show: local data was read, or a first sync brought some. */
  loaded: boolean;
  reachability: Reachability;
  syncing: boolean;
  lastSyncAt: string | null;
  conversations: Readonly<Record<string, Conversation>>;
  messages: Readonly<Record<string, readonly Message[]>>;
  agents: readonly Agent[];
  cannedReplies: readonly CannedReply[];
  notice: Notice | null;
};

export type WorkspaceStoreOptions = {
  api: ApiClient;
  tenantId: string;
  agentId: string;
  /** Deadline for each read from the server; the screen never waits on it. Default 5 s. */
  readTimeoutMs?: number;
  /** The conversation in the URL at a cold start: read before the inbox, so a deep link renders first. */
  initialConversationId?: string;
};

const initialState: WorkspaceState = {
  loaded: false, reachability: 'online', syncing: false, lastSyncAt: null,
  conversations: {}, messages: {}, agents: [], cannedReplies: [], notice: null,
};

/**
 * The workspace's data on the page. Local first: the UI reads only this store, which starts from
 * IndexedDB and is then kept current by delta sync and the event stream, each server page written to
 * IndexedDB in one transaction before it is shown. A dead or slow server delays freshness, never the screen.
 * React reads it through useSyncExternalStore (subscribe / getSnapshot).
 */
export class WorkspaceStore {
  #state: WorkspaceState = initialState;
  readonly #listeners = new Set<() => void>();
  readonly #options: Required<WorkspaceStoreOptions>;
  readonly #reachability: ReachabilityMonitor;
  readonly #sync: DeltaSync<SyncPage>;
  #db: Promise<WorkspaceDatabase> | undefined;
  #closeStream: (() => void) | undefined;
  #stopped = false;
  readonly #localRead: Promise<void>;
  readonly #loading = new Map<string, Promise<void>>();

  constructor(options: WorkspaceStoreOptions) {
    this.#options = { readTimeoutMs: 5000, initialConversationId: '', ...options };
    const { api } = options;
    this.#reachability = new ReachabilityMonitor(browserReachabilityPlatform((signal) => api.probe(signal)));
    this.#state = { ...initialState, reachability: this.#reachability.state };
    this.#sync = new DeltaSync<SyncPage>({
      fetchPage: (cursor, signal) => api.sync(cursor, signal),
      applyPage: (page) => this.#applyPage(page),
      readCursor: async () => (await (await this.#database()).get('meta', 'cursor')) ?? '0',
      requestTimeoutMs: this.#options.readTimeoutMs,
    });
    // Reading IndexedDB starts with the store, not after React's first paint: the cold-start path. The
    // deep-linked conversation's small read is queued before the inbox's large one.
    if (this.#options.initialConversationId) void this.ensureConversation(this.#options.initialConversationId);
    this.#localRead = this.#readLocalData();
  }

  get api(): ApiClient {
    return this.#options.api;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): WorkspaceState => this.#state;

  #set(patch: Partial<WorkspaceState> | ((state: WorkspaceState) => Partial<WorkspaceState>)) {
    if (this.#stopped) return;
    const next = typeof patch === 'function' ? patch(this.#state) : patch;
    this.#state = { ...this.#state, ...next };
    for (const listener of this.#listeners) listener();
  }

  #database(): Promise<WorkspaceDatabase> {
    this.#db ??= openWorkspaceDatabaseOnce(this.#options.tenantId, this.#options.agentId, () => {
      this.#db = undefined;
    });
    return this.#db;
  }

  async #readLocalData(): Promise<void> {
    performance.mark('holdfast:store-start');
    const db = await this.#database();
    performance.mark('holdfast:database-open');
    const [conversations, agents, cannedReplies, lastSyncAt] = await Promise.all([
      db.getAll('conversations'),
      db.getAll('agents'),
      db.getAll('cannedReplies'),
      db.get('meta', 'lastSyncAt'),
    ]);
    performance.mark('holdfast:local-data-read');
    this.#set((state) => ({
      loaded: conversations.length > 0,
      conversations: mergeConversations(state.conversations, conversations),
      agents: sortAgents(agents),
      cannedReplies,
      lastSyncAt: lastSyncAt ?? null,
    }));
  }

  /** Shows what IndexedDB holds as soon as it is read, then connects: event stream, sync, team directory. */
  async start(): Promise<void> {
    await this.#localRead;
    if (this.#stopped) return;

    this.#reachability.subscribe((reachability) => {
      this.#set({ reachability });
      if (reachability === 'online') void this.syncNow();
    });
    this.#reachability.start();
    this.#closeStream = readEventStream({
      url: (lastEventId) => `/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`,
      token: () => this.api.getToken(),
      // A connected stream proves the server is reachable; a broken one is retried by the stream itself.
      onStatus: (connected) => {
        if (connected) this.#reachability.reportSuccess();
      },
      // Each event prompts a pull from the stored cursor rather than being applied as it comes: the stream
      // starts "now", so its pages can run ahead of a catch-up pull, and writing their cursor would skip
      // the changes in between if that pull then failed.
      onEvent: (event) => {
        if (event.event === 'ready' || event.event === 'change') void this.syncNow();
      },
    });
    void this.#refreshDirectory();
  }

  stop(): void {
    this.#stopped = true;
    this.#closeStream?.();
    this.#reachability.stop();
    void this.#db?.then((db) => db.close());
  }

  /** Pulls every change since the stored cursor. Failures only change the status line. */
  async syncNow(): Promise<void> {
    this.#set({ syncing: true });
    try {
      await this.#sync.pull();
      this.#reachability.reportSuccess();
    } catch (error) {
      this.#noteFailure(error);
    } finally {
      this.#set({ syncing: false });
    }
  }

  async #refreshDirectory(): Promise<void> {
    try {
      const signal = AbortSignal.timeout(this.#options.readTimeoutMs);
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
    const db = await this.#database();
    const tx = db.transaction(['conversations', 'messages', 'meta'], 'readwrite');
    const conversations = tx.objectStore('conversations');
    const stored = await Promise.all(page.conversations.map((conversation) => conversations.get(conversation.id)));
    const newer = page.conversations.filter((conversation, index) => !stored[index] || stored[index]!.version <= conversation.version);
    const syncedAt = new Date().toISOString();
    await Promise.all([
      ...newer.map((conversation) => conversations.put(conversation)),
      ...page.messages.map((message) => tx.objectStore('messages').put(message)),
      tx.objectStore('meta').put(page.cursor, 'cursor'),
      tx.objectStore('meta').put(syncedAt, 'lastSyncAt'),
    ]);
    await tx.done;
    this.#set((state) => {
      const messages = { ...state.messages };
      for (const message of page.messages) {
        const current = messages[message.conversationId];
        if (current) messages[message.conversationId] = mergeMessages(current, [message]);
      }
      const merged = mergeConversations(state.conversations, newer);
      return { conversations: merged, messages, lastSyncAt: syncedAt, loaded: state.loaded || Object.keys(merged).length > 0 };
    });
  }

  /**
   * Loads a conversation unless it is loaded or loading already. Once loaded, every sync page keeps its
   * messages current, so opening it again needs no read.
   */
  ensureConversation(id: string): Promise<void> {
    if (this.#state.messages[id]) return Promise.resolve();
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
    this.#set((state) => ({
      messages: { ...state.messages, [id]: messages },
      conversations: conversation ? mergeConversations(state.conversations, [conversation]) : state.conversations,
    }));
  }

  /** Sends one action for the conversation, carrying the version the agent saw. */
  async act<Type extends WorkspaceActionType>(type: Type, conversationId: string, payload: WorkspaceActionPayloads[Type]): Promise<boolean> {
    const seen = this.#state.conversations[conversationId];
    const action = createWorkspaceAction(type, conversationId, payload, { baseVersion: seen?.version });
    let result: ActionResult<ConversationState> | undefined;
    try {
      result = (await this.api.postActions([action])).results[0];
    } catch (error) {
      this.#noteFailure(error);
      this.#set({ notice: { kind: 'error', text: `Not done: ${(error as Error).message}` } });
      return false;
    }
    if (result?.status === 'conflict') this.#set({ notice: { kind: 'conflict', text: result.message } });
    if (result?.status === 'rejected') this.#set({ notice: { kind: 'error', text: result.message } });
    await this.syncNow();
    return result?.status === 'applied' || result?.status === 'duplicate';
  }

  #noteFailure(error: unknown) {
    if (error instanceof ApiRequestError && error.status === 0) this.#reachability.reportFailure();
    else if (error instanceof ApiRequestError) this.#reachability.reportSuccess();
  }

  dismissNotice(): void {
    this.#set({ notice: null });
  }
}

const sortAgents = (agents: Agent[]) => [...agents].sort((a, b) => a.name.localeCompare(b.name));

/** Newer versions win, so an event and a response that cross on the wire cannot roll a conversation back. */
function mergeConversations(current: Readonly<Record<string, Conversation>>, incoming: readonly Conversation[]) {
  if (incoming.length === 0) return current;
  const next = { ...current };
  for (const conversation of incoming) {
    const existing = next[conversation.id];
    if (!existing || existing.version <= conversation.version) next[conversation.id] = conversation;
  }
  return next;
}

function mergeMessages(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  const known = new Set(current.map((message) => message.id));
  const added = incoming.filter((message) => !known.has(message.id));
  if (added.length === 0) return current;
  return [...current, ...added].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
