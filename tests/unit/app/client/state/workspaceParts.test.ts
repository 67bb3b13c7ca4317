import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PendingOverlay } from 'holdfast/internal';
import type { MarkerStorage, OutboxSnapshot } from 'holdfast/client';
import { createWorkspaceAction, type Agent, type Conversation, type Message } from '../../../../../app/shared/index.js';
import { LocalDataCheck } from '../../../../../app/client/state/LocalDataCheck.js';
import { WorkspaceRepository } from '../../../../../app/client/state/workspaceRepository.js';
import { workspaceView, type ServerState } from '../../../../../app/client/state/workspaceView.js';
import { WorkspaceReads } from '../../../../../app/client/state/workspaceReads.js';
import { initialState, type WorkspaceState } from '../../../../../app/client/state/workspaceState.js';
import type { ApiClient } from '../../../../../app/client/api/ApiClient.js';
import type { OfflineClient } from 'holdfast/client';

const me: Agent = { id: 'a1', name: 'Alice', email: 'alice@example.com' };
const conversation = (id: string, version: number, extra: Partial<Conversation> = {}): Conversation => ({
  id,
  version,
  status: 'open',
  assigneeId: null,
  subject: 's',
  customerName: 'c',
  customerEmail: 'c@example.com',
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
  lastMessageAt: '2026-12-01T00:00:00Z',
  lastMessagePreview: '',
  messageCount: 0,
  ...extra,
});
const message = (id: string, conversationId: string): Message => ({
  id,
  conversationId,
  authorKind: 'customer',
  authorAgentId: null,
  authorName: 'c',
  body: id,
  attachments: [],
  createdAt: '2026-12-01T00:00:00Z',
});
const outbox = (patch: Partial<OutboxSnapshot>): OutboxSnapshot => ({
  loaded: true,
  pending: [],
  failed: [],
  paused: null,
  lastPass: null,
  progress: null,
  ...patch,
});

describe("the workspace's view: the server's state with the queue drawn over it", () => {
  it('draws a pending close and reply over their conversation, and leaves the others as the server sent them', () => {
    const server = { conversations: { c1: conversation('c1', 1), c2: conversation('c2', 1) }, messages: { c1: [message('m1', 'c1')] } };
    const close = createWorkspaceAction('close', 'c1', {});
    const reply = createWorkspaceAction('send', 'c1', { text: 'on its way' });
    const overlays = new PendingOverlay().byTarget([close, reply], new Set());
    const view = workspaceView(server, overlays, me);
    expect(view.conversations.c1).toMatchObject({ status: 'closed', pendingActions: 2 });
    expect(view.messages.c1!.map((shown) => shown.body)).toEqual(['m1', 'on its way']);
    // Untouched conversations keep their identity: a selector on them does not re-render.
    expect(view.conversations.c2).toBe(server.conversations.c2);
  });

  it('with nothing queued, the server state itself', () => {
    const server = { conversations: { c1: conversation('c1', 1) }, messages: {} };
    const view = workspaceView(server, new Map(), me);
    expect(view.conversations).toBe(server.conversations);
  });
});

describe('the eviction check', () => {
  const memory = (): MarkerStorage => {
    const items = new Map<string, string>();
    return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
  };

  it('reports once, when both the database and the outbox are read, what the browser took: unsent actions included', () => {
    const storage = memory();
    const first = new LocalDataCheck('k', storage, () => expect.unreachable('a first visit loses nothing'));
    first.databaseRead(undefined, outbox({}));
    first.synced('12', outbox({ pending: [{ action: createWorkspaceAction('close', 'c1', {}) } as never] }));
    const losses: unknown[] = [];
    const next = new LocalDataCheck('k', storage, (loss) => losses.push(loss));
    next.databaseRead(undefined, outbox({ loaded: false }));
    expect(losses).toEqual([]); // the outbox is not read yet
    next.outboxChanged(outbox({}));
    next.outboxChanged(outbox({}));
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ kind: 'gone', lostUnsent: 1 });
  });

  it('nothing to report after a sign-out cleared it', () => {
    const storage = memory();
    const visit = new LocalDataCheck('k', storage, () => {});
    visit.databaseRead(undefined, outbox({}));
    visit.synced('5', outbox({}));
    visit.clear();
    const next = new LocalDataCheck('k', storage, () => expect.unreachable('cleared on purpose'));
    next.databaseRead(undefined, outbox({}));
  });
});

describe("the workspace's repository (IndexedDB)", () => {
  const repository = () => new WorkspaceRepository({ tenantId: crypto.randomUUID(), agentId: 'a1', onVersionChange: async () => {}, onBlocked: () => {} });

  it('a page and its cursor in one write; an older page never moves the cursor back or an older version over a newer one', async () => {
    const local = repository();
    await local.applyPage({ conversations: [conversation('c1', 2)], messages: [message('m1', 'c1')], cursor: '20', hasMore: false });
    const older = await local.applyPage({ conversations: [conversation('c1', 1)], messages: [], cursor: '10', hasMore: false });
    expect(older.newer).toEqual([]);
    expect(await local.storedCursor()).toBe('20');
    const read = await local.readLocalData();
    expect(read.conversations.map((stored) => stored.version)).toEqual([2]);
    expect((await local.readConversation('c1')).messages.map((stored) => stored.id)).toEqual(['m1']);
    local.close();
  });

  it('drafts: the last text typed is the one kept; an empty text deletes it', async () => {
    const local = repository();
    local.saveDraft('c1', 'first');
    local.saveDraft('c1', 'second');
    await local.flushDrafts();
    expect(await local.readDraft('c1')).toBe('second');
    local.saveDraft('c1', '');
    await local.flushDrafts();
    expect(await local.readDraft('c1')).toBe('');
    local.close();
  });
});

describe("the workspace's reads: stored before shown, newer only, failures counted by the client's rule", () => {
  /** The reads over a real (fake-indexeddb) repository, a scripted server and a client that records what it was told. */
  function harness(server: Partial<Record<'conversation' | 'openConversations', (...args: unknown[]) => Promise<unknown>>>) {
    const told: string[] = [];
    let state: ServerState = { conversations: {}, messages: {} };
    let view: WorkspaceState = initialState;
    const repository = new WorkspaceRepository({ tenantId: crypto.randomUUID(), agentId: 'a1', onVersionChange: async () => {}, onBlocked: () => {} });
    const client = {
      noteRead: (error: unknown) => told.push(`failed: ${(error as Error).message}`),
      noteAnswered: () => told.push('answered'),
      readFrom: () => {},
      getSnapshot: () => ({ outbox: outbox({}) }),
    } as unknown as OfflineClient;
    const reads = new WorkspaceReads({
      api: server as unknown as ApiClient,
      repository,
      client: () => client,
      localData: new LocalDataCheck('k', { getItem: () => null, setItem: () => {}, removeItem: () => {} }, () => {}),
      readDeadlineMs: () => 5000,
      server: () => state,
      setServer: (patch, extra = {}) => {
        state = { ...state, ...patch(state) };
        view = { ...view, ...extra };
      },
      view: () => view,
      setView: (patch) => {
        view = { ...view, ...patch };
      },
    });
    return { reads, repository, told, state: () => state, view: () => view };
  }

  it('a conversation fetched is stored, then shown with its messages; an older answer never replaces a newer copy', async () => {
    const answers = [
      { conversation: conversation('c1', 3, { messageCount: 2 }), messages: [message('m1', 'c1'), message('m2', 'c1')] },
      { conversation: conversation('c1', 2, { messageCount: 1 }), messages: [message('m1', 'c1')] },
    ];
    const { reads, repository, told, state } = harness({ conversation: async () => answers.shift() });
    await reads.fetchConversation('c1', 1000);
    expect((await repository.readConversation('c1')).conversation?.version).toBe(3);
    expect(state().messages.c1!.map((shown) => shown.id)).toEqual(['m1', 'm2']);
    await reads.fetchConversation('c1', 1000); // a late, older answer
    expect(state().conversations.c1!.version).toBe(3);
    expect((await repository.readConversation('c1')).conversation?.version).toBe(3);
    expect(told).toEqual(['answered', 'answered']);
    repository.close();
  });

  it('a failed read changes nothing and is told to the client (its rule decides what it means); a conversation fetch rejects so the catch-up tries again', async () => {
    const { reads, repository, told, state, view } = harness({
      conversation: async () => Promise.reject(new Error('no answer')),
      openConversations: async () => Promise.reject(new Error('timed out')),
    });
    await expect(reads.fetchConversation('c1', 1000)).rejects.toThrow('no answer');
    await reads.fetchInboxView();
    expect(told).toEqual(['failed: no answer', 'failed: timed out']);
    expect(state()).toEqual({ conversations: {}, messages: {} });
    expect(view().loaded).toBe(false);
    expect((await repository.readLocalData()).conversations).toEqual([]);
    repository.close();
  });

  it('a sync page is stored with its cursor and shown; the first sync counts its progress from the total it announced', async () => {
    const { reads, repository, state, view } = harness({});
    await reads.applyPage({ conversations: [conversation('c1', 1)], messages: [], cursor: '5', hasMore: true, remaining: 10 } as never);
    expect(view().syncProgress).toEqual({ done: 1, total: 10 });
    await reads.applyPage({ conversations: [conversation('c2', 1)], messages: [], cursor: '9', hasMore: false } as never);
    expect(view().syncProgress).toBeNull();
    expect(Object.keys(state().conversations).sort()).toEqual(['c1', 'c2']);
    expect(await repository.storedCursor()).toBe('9');
    repository.close();
  });
});

describe('a closed repository (signed out, stopped)', () => {
  it('never opens its database again: a late write fails instead of creating the database a sign-out is deleting', async () => {
    const tenantId = crypto.randomUUID();
    const exists = async () => (await indexedDB.databases()).some((database) => database.name?.includes(tenantId));
    // Stopped before its first read opened anything (a sign-out right after sign-in): nothing may open it later.
    const early = new WorkspaceRepository({ tenantId, agentId: 'a1', onVersionChange: async () => {}, onBlocked: () => {} });
    early.close();
    await expect(early.storeConversations([conversation('c1', 1)])).rejects.toMatchObject({ name: 'InvalidStateError' });
    await expect(early.readLocalData()).rejects.toMatchObject({ name: 'InvalidStateError' });
    expect(await exists()).toBe(false);
    // Opened, then closed: the same.
    const used = new WorkspaceRepository({ tenantId, agentId: 'a1', onVersionChange: async () => {}, onBlocked: () => {} });
    await used.storeConversations([conversation('c1', 1)]);
    used.close();
    await expect(used.storeConversations([conversation('c2', 1)])).rejects.toMatchObject({ name: 'InvalidStateError' });
  });
});
