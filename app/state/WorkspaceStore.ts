import type { ActionResult } from '../../shared/index.js';
import {
  createWorkspaceAction,
  type Agent,
  type CannedReply,
  type Conversation,
  type ConversationState,
  type Message,
  type WorkspaceActionPayloads,
  type WorkspaceActionType,
} from '../../shared/workspace/index.js';
import type { ApiClient } from '../api/ApiClient.js';
import { readEventStream } from '../api/readEventStream.js';

export type Notice = { kind: 'error' | 'conflict' | 'info'; text: string };

export type WorkspaceState = {
  loaded: boolean;
  live: boolean;
  conversations: Readonly<Record<string, Conversation>>;
  messages: Readonly<Record<string, readonly Message[]>>;
  agents: readonly Agent[];
  cannedReplies: readonly CannedReply[];
  notice: Notice | null;
};

type SyncPage = { conversations: Conversation[]; messages: Message[]; cursor: string };

const initialState: WorkspaceState = { loaded: false, live: false, conversations: {}, messages: {}, agents: [], cannedReplies: [], notice: null };

/**
 * The workspace's data on the page: a small vanilla store (subscribe / getSnapshot) that React reads
 * through useSyncExternalStore. Online for now: it loads from the API and stays current from the event
 * stream; every state change replaces the snapshot, so React sees a new reference.
 */
export class WorkspaceStore {
  #state: WorkspaceState = initialState;
  readonly #listeners = new Set<() => void>();
  #closeStream: (() => void) | undefined;

  constructor(readonly api: ApiClient) {}

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): WorkspaceState => this.#state;

  #set(patch: Partial<WorkspaceState> | ((state: WorkspaceState) => Partial<WorkspaceState>)) {
    const next = typeof patch === 'function' ? patch(this.#state) : patch;
    this.#state = { ...this.#state, ...next };
    for (const listener of this.#listeners) listener();
  }

  /** Opens the event stream first, then loads: whatever changes in between arrives as an event. */
  start(): void {
    let loadedOnce = false;
    this.#closeStream = readEventStream({
      url: (lastEventId) => (lastEventId ? `/api/events?cursor=${lastEventId}` : '/api/events'),
      token: () => this.api.getToken(),
      onStatus: (live) => this.#set({ live }),
      onEvent: (event) => {
        if (event.event === 'ready' && !loadedOnce) {
          loadedOnce = true;
          void this.#loadAll();
        }
        if (event.event === 'change') this.#applySyncPage(JSON.parse(event.data) as SyncPage);
      },
    });
  }

  stop(): void {
    this.#closeStream?.();
    this.#state = initialState;
  }

  async #loadAll() {
    try {
      const [{ conversations }, { agents }, { cannedReplies }] = await Promise.all([
        this.api.conversations(),
        this.api.agents(),
        this.api.cannedReplies(),
      ]);
      this.#set((state) => ({
        loaded: true,
        agents,
        cannedReplies,
        conversations: mergeConversations(state.conversations, conversations),
      }));
    } catch (error) {
      this.#set({ notice: { kind: 'error', text: `Could not load the inbox: ${(error as Error).message}` } });
    }
  }

  async loadConversation(id: string): Promise<void> {
    try {
      const { conversation, messages } = await this.api.conversation(id);
      this.#set((state) => ({
        conversations: mergeConversations(state.conversations, [conversation]),
        messages: { ...state.messages, [id]: mergeMessages([], messages) },
      }));
    } catch (error) {
      this.#set({ notice: { kind: 'error', text: (error as Error).message } });
    }
  }

  #applySyncPage(page: SyncPage) {
    this.#set((state) => {
      const messages = { ...state.messages };
      for (const message of page.messages) {
        const current = messages[message.conversationId];
        // Only conversations already opened keep messages; others load theirs when opened.
        if (current) messages[message.conversationId] = mergeMessages(current, [message]);
      }
      return { conversations: mergeConversations(state.conversations, page.conversations), messages };
    });
  }

  /** Sends one action for the conversation, carrying the version the agent saw. */
  async act<Type extends WorkspaceActionType>(type: Type, conversationId: string, payload: WorkspaceActionPayloads[Type]): Promise<boolean> {
    const seen = this.#state.conversations[conversationId];
    const action = createWorkspaceAction(type, conversationId, payload, { baseVersion: seen?.version });
    let result: ActionResult<ConversationState> | undefined;
    try {
      result = (await this.api.postActions([action])).results[0];
    } catch (error) {
      this.#set({ notice: { kind: 'error', text: `Not done: ${(error as Error).message}` } });
      return false;
    }
    if (result?.status === 'applied' || result?.status === 'conflict') this.#applyState(result.state);
    if (result?.status === 'conflict') this.#set({ notice: { kind: 'conflict', text: result.message } });
    if (result?.status === 'rejected') this.#set({ notice: { kind: 'error', text: result.message } });
    if (type === 'send' || result?.status === 'conflict') await this.loadConversation(conversationId);
    return result?.status === 'applied' || result?.status === 'duplicate';
  }

  #applyState(next: ConversationState) {
    this.#set((state) => {
      const current = state.conversations[next.id];
      if (!current || current.version > next.version) return {};
      return { conversations: { ...state.conversations, [next.id]: { ...current, ...next } } };
    });
  }

  dismissNotice(): void {
    this.#set({ notice: null });
  }
}

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
  return added.length === 0 ? current : [...current, ...added];
}
