import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PendingOverlay } from 'holdfast/internal';
import type { MarkerStorage, OutboxSnapshot } from 'holdfast/client';
import { createWorkspaceAction, type Agent, type Conversation, type Message } from '../../../app/shared/index.js';
import { LocalDataCheck } from '../../../app/client/state/LocalDataCheck.js';
import { WorkspaceRepository } from '../../../app/client/state/workspaceRepository.js';
import { workspaceView } from '../../../app/client/state/workspaceView.js';

const me: Agent = { id: 'a1', name: 'Alice', email: 'alice@example.com' };
const conversation = (id: string, version: number, extra: Partial<Conversation> = {}): Conversation => ({
  id, version, status: 'open', assigneeId: null, subject: 's', customerName: 'c', customerEmail: 'c@example.com',
  createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', lastMessageAt: '2026-12-01T00:00:00Z', lastMessagePreview: '', messageCount: 0, ...extra,
});
const message = (id: string, conversationId: string): Message => ({ id, conversationId, authorKind: 'customer', authorAgentId: null, authorName: 'c', body: id, attachments: [], createdAt: '2026-12-01T00:00:00Z' });
const outbox = (patch: Partial<OutboxSnapshot>): OutboxSnapshot => ({ loaded: true, pending: [], failed: [], paused: null, lastPass: null, progress: null, ...patch });

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
  const repository = () =>
    new WorkspaceRepository({ tenantId: crypto.randomUUID(), agentId: 'a1', onVersionChange: async () => {}, onBlocked: () => {} });

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
