import {
  readConversationMessages,
  storeThreadMessages,
  type Agent,
  type CannedReply,
  type Conversation,
  type Message,
  type WorkspaceDatabase,
} from '../../shared/client.js';
import type { SyncPage } from '../api/ApiClient.js';
import { openWorkspaceDatabaseOnce } from './preopenDatabase.js';

export type WorkspaceRepositoryOptions = {
  tenantId: string;
  agentId: string;
  /** A newer release, in another tab, upgrades the database: this connection is closed after it resolves. */
  onVersionChange: () => Promise<void>;
  /** Another tab of an older release holds the database open (true), or let go (false). */
  onBlocked: (blocked: boolean) => void;
};

/** What a cold start reads before anything else: the inbox, the directory, and how far sync had got. */
export type LocalData = {
  conversations: Conversation[];
  agents: Agent[];
  cannedReplies: CannedReply[];
  lastSyncAt: string | undefined;
  cursor: string | undefined;
};

/**
 * The agent's local copy in IndexedDB: every read and write of the workspace's database, in one place.
 * Newer versions win on every write (a sync page and a direct read may cross), and the stored cursor only
 * moves forward (every tab of the agent shares it).
 */
export class WorkspaceRepository {
  readonly #options: WorkspaceRepositoryOptions;
  #db: Promise<WorkspaceDatabase> | undefined;
  #blocked = false;
  #closed = false;
  #draftWrites: Promise<void> = Promise.resolve();

  constructor(options: WorkspaceRepositoryOptions) {
    this.#options = options;
  }

  database(): Promise<WorkspaceDatabase> {
    // Closed for good (stopped, signed out): a late read or write must not open, and so recreate, a
    // database a sign-out is deleting. It fails as IndexedDB's own closed connection does.
    if (this.#closed) return Promise.reject(new DOMException('The workspace database is closed.', 'InvalidStateError'));
    if (this.#db) return this.#db;
    this.#db = openWorkspaceDatabaseOnce(this.#options.tenantId, this.#options.agentId, {
      onVersionChange: async () => {
        // The drafts still being written go in on the connection still open, before it closes.
        await this.flushDrafts();
        this.#db = undefined;
        await this.#options.onVersionChange();
      },
      onBlocked: () => {
        this.#blocked = true;
        this.#options.onBlocked(true);
      },
    });
    // Once per open (not per access: this runs on every read and write of the store).
    void this.#db.then(
      () => {
        if (!this.#blocked) return;
        this.#blocked = false;
        this.#options.onBlocked(false);
      },
      () => undefined,
    );
    return this.#db;
  }

  close(): void {
    this.#closed = true;
    void this.#db?.then(
      (db) => db.close(),
      () => undefined,
    );
  }

  async readLocalData(): Promise<LocalData> {
    const db = await this.database();
    performance.mark('holdfast:database-open');
    const [conversations, agents, cannedReplies, lastSyncAt, cursor] = await Promise.all([
      db.getAll('conversations'),
      db.getAll('agents'),
      db.getAll('cannedReplies'),
      db.get('meta', 'lastSyncAt'),
      db.get('meta', 'cursor'),
    ]);
    return { conversations, agents, cannedReplies, lastSyncAt, cursor };
  }

  async storedCursor(): Promise<string | undefined> {
    return (await this.database()).get('meta', 'cursor');
  }

  /** One server page → one transaction (data and cursor together). Answers the conversations it stored. */
  async applyPage(page: SyncPage): Promise<{ newer: Conversation[]; syncedAt: string }> {
    const db = await this.database();
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
    return { newer, syncedAt };
  }

  /** A conversation and its messages; its own record too, so a deep link renders before the inbox is read. */
  async readConversation(id: string): Promise<{ conversation: Conversation | undefined; messages: Message[] }> {
    const db = await this.database();
    const [conversation, messages] = await Promise.all([db.get('conversations', id), readConversationMessages(db, id)]);
    return { conversation, messages };
  }

  /** Conversations read from the server outside sync (the inbox view): the newer are stored; the cursor does not move. */
  async storeConversations(conversations: readonly Conversation[]): Promise<Conversation[]> {
    const tx = (await this.database()).transaction('conversations', 'readwrite');
    const newer = await putNewerConversations(tx.store, conversations);
    await tx.done;
    return newer;
  }

  /** One conversation and its messages read from the server: stored if newer; the cursor does not move. */
  async storeConversation(conversation: Conversation, messages: readonly Message[]): Promise<Conversation[]> {
    const tx = (await this.database()).transaction(['conversations', 'threads'], 'readwrite');
    const [newer] = await Promise.all([
      putNewerConversations(tx.objectStore('conversations'), [conversation]),
      storeThreadMessages(tx.objectStore('threads'), messages),
      tx.done,
    ]);
    return newer;
  }

  async storeDirectory(agents: readonly Agent[], cannedReplies: readonly CannedReply[]): Promise<void> {
    const tx = (await this.database()).transaction(['agents', 'cannedReplies'], 'readwrite');
    await Promise.all([tx.objectStore('agents').clear(), tx.objectStore('cannedReplies').clear()]);
    await Promise.all([
      ...agents.map((agent) => tx.objectStore('agents').put(agent)),
      ...cannedReplies.map((reply) => tx.objectStore('cannedReplies').put(reply)),
    ]);
    await tx.done;
  }

  /** The conversation's unsent draft ('' when none). */
  async readDraft(conversationId: string): Promise<string> {
    return (await (await this.database()).get('drafts', conversationId))?.text ?? '';
  }

  /**
   * Keeps what the agent typed (an empty text deletes the draft). Writes go one after another, so the
   * last text typed is the one stored; `flushDrafts` waits for them (before a reload onto a new version).
   */
  saveDraft(conversationId: string, text: string): void {
    this.#draftWrites = this.#draftWrites
      .then(async () => {
        const db = await this.database();
        if (text === '') await db.delete('drafts', conversationId);
        else await db.put('drafts', { conversationId, text, updatedAt: new Date().toISOString() });
      })
      .catch(() => undefined);
  }

  flushDrafts(): Promise<void> {
    return this.#draftWrites;
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
