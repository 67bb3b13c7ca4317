import type { OfflineClient } from 'holdfast/client';
import { mergeMessages, type Agent, type CannedReply } from '../../shared/client.js';
import type { ApiClient, SyncPage } from '../api/ApiClient.js';
import type { LocalDataCheck } from './LocalDataCheck.js';
import { mergeConversations, sortAgents } from './serverState.js';
import { ThreadCatchUp } from './ThreadCatchUp.js';
import type { WorkspaceRepository } from './workspaceRepository.js';
import type { WorkspaceState } from './workspaceState.js';
import type { ServerState } from './workspaceView.js';

/** What the reads change and consult: the store's server state and view, its client, its repository. */
export type WorkspaceReadsContext = {
  api: ApiClient;
  repository: WorkspaceRepository;
  /** A getter: the client is made after the reads it calls back into. */
  client: () => OfflineClient;
  localData: LocalDataCheck;
  readDeadlineMs: () => number;
  server: () => ServerState;
  /** Changes server state (the screen's state is derived again), with the view's other fields in `extra`. */
  setServer: (patch: (server: ServerState) => Partial<ServerState>, extra?: Partial<WorkspaceState>) => void;
  view: () => WorkspaceState;
  setView: (patch: Partial<WorkspaceState>) => void;
};

/**
 * Every way the workspace's data reaches the screen: IndexedDB at start, sync pages, and the direct reads
 * of the server (the inbox view, one conversation, the directory), each written to IndexedDB before it is
 * shown, newer versions only. A failed read is counted by the client's rule (noteRead) and shows nothing.
 */
export class WorkspaceReads {
  readonly #context: WorkspaceReadsContext;

  constructor(context: WorkspaceReadsContext) {
    this.#context = context;
  }

  /** The open thread's catch-up on these reads: the conversation on screen fetched until the device holds it whole. */
  threadCatchUp(): ThreadCatchUp {
    const { server, view, setView, readDeadlineMs } = this.#context;
    return new ThreadCatchUp({
      // Each try's deadline doubles, up to 4× the read deadline: a server answering a long thread in 20 s
      // must not miss a fixed 5 s deadline every time.
      fetch: (id, attempt) => this.fetchConversation(id, Math.min(4, 2 ** attempt) * readDeadlineMs()),
      held: (id) => {
        const messages = server().messages[id];
        return messages ? { held: messages.length, total: server().conversations[id]?.messageCount } : null;
      },
      onChange: (openThread) => {
        const shown = view().openThread;
        if (shown?.id !== openThread?.id || shown?.held !== openThread?.held || shown?.total !== openThread?.total || shown?.fetching !== openThread?.fetching)
          setView({ openThread });
      },
    });
  }

  async readLocalData(): Promise<void> {
    const { repository, client, localData, setServer } = this.#context;
    performance.mark('holdfast:store-start');
    const { conversations, agents, cannedReplies, lastSyncAt, cursor } = await repository.readLocalData();
    client().readFrom(cursor);
    localData.databaseRead(cursor, client().getSnapshot().outbox);
    performance.mark('holdfast:local-data-read');
    setServer((server) => ({ conversations: mergeConversations(server.conversations, conversations) }), {
      loaded: conversations.length > 0,
      agents: sortAgents(agents),
      cannedReplies,
      lastSyncAt: lastSyncAt ?? null,
    });
  }

  /** One server page → one IndexedDB transaction (data and cursor together) → the screen. */
  async applyPage(page: SyncPage): Promise<void> {
    const { repository, client, localData, setServer, view, server } = this.#context;
    // A first sync's progress: the total from its first page, then each page's changes as they are stored.
    const items = page.conversations.length + page.messages.length;
    const progress = page.remaining !== undefined ? { done: 0, total: page.remaining } : view().syncProgress;
    const { newer, syncedAt } = await repository.applyPage(page);
    localData.synced(page.cursor, client().getSnapshot().outbox);
    setServer(
      (current) => {
        const messages = { ...current.messages };
        for (const message of page.messages) {
          const held = messages[message.conversationId];
          if (held) messages[message.conversationId] = mergeMessages(held, [message]);
        }
        return { conversations: mergeConversations(current.conversations, newer), messages };
      },
      {
        lastSyncAt: syncedAt,
        loaded: view().loaded || Object.keys(server().conversations).length + newer.length > 0,
        syncProgress: progress && page.hasMore ? { done: progress.done + items, total: Math.max(progress.total, progress.done + items) } : null,
      },
    );
  }

  async loadConversation(id: string): Promise<void> {
    const { conversation, messages } = await this.#context.repository.readConversation(id);
    performance.mark('holdfast:messages-read');
    // A new device (or a sync that has not reached it yet): setServer has the catch-up fetch this
    // conversation, not wait for the tenant's whole first sync, and keep fetching it until it is whole.
    this.#context.setServer((server) => ({
      messages: { ...server.messages, [id]: messages },
      conversations: conversation ? mergeConversations(server.conversations, [conversation]) : server.conversations,
    }));
  }

  /** The newest open conversations, written into IndexedDB (newer than what is there) and shown. The cursor does not move. */
  async fetchInboxView(): Promise<void> {
    const { api, repository, client, setServer, view, readDeadlineMs } = this.#context;
    try {
      const { conversations } = await api.openConversations(200, AbortSignal.timeout(readDeadlineMs()));
      const newer = await repository.storeConversations(conversations);
      setServer((server) => ({ conversations: mergeConversations(server.conversations, newer) }), { loaded: view().loaded || newer.length > 0 });
    } catch (error) {
      client().noteRead(error);
    }
  }

  /**
   * One conversation from the server, written into IndexedDB (newer than what is there) and shown. The
   * cursor does not move. Rejects when it could not (after noting the failure): the catch-up tries again.
   */
  async fetchConversation(id: string, deadlineMs: number): Promise<void> {
    const { api, repository, client, setServer } = this.#context;
    let fetched: Awaited<ReturnType<ApiClient['conversation']>>;
    try {
      fetched = await api.conversation(id, AbortSignal.timeout(deadlineMs));
    } catch (error) {
      client().noteRead(error);
      throw error;
    }
    client().noteAnswered();
    const newer = await repository.storeConversation(fetched.conversation, fetched.messages);
    setServer((server) => ({
      messages: { ...server.messages, [id]: mergeMessages(server.messages[id] ?? [], fetched.messages) },
      conversations: mergeConversations(server.conversations, newer),
    }));
  }

  /**
   * The tenant's agents and canned replies from the server, stored and shown; answers whether it could.
   * `attempt`: the deadline doubles with each try, up to 4× the read deadline (a slow server, not a dead one).
   */
  async refreshDirectory(attempt = 0): Promise<boolean> {
    const { api, repository, client, setView, readDeadlineMs } = this.#context;
    let directory: [{ agents: Agent[] }, { cannedReplies: CannedReply[] }];
    try {
      const signal = AbortSignal.timeout(Math.min(4, 2 ** attempt) * readDeadlineMs());
      directory = await Promise.all([api.agents(signal), api.cannedReplies(signal)]);
    } catch (error) {
      client().noteRead(error);
      return false;
    }
    const [{ agents }, { cannedReplies }] = directory;
    setView({ agents: sortAgents(agents), cannedReplies });
    // Shown either way: a device too full to keep them has them for this session, and the next start reads them again.
    await repository.storeDirectory(agents, cannedReplies).catch((error: unknown) => console.warn('the directory could not be stored', error));
    return true;
  }
}
