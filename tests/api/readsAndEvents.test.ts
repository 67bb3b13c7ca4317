import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceAction, type Conversation, type Message } from '../../app/shared/index.js';
import { TestApi } from '../support/testApi.js';
import { backendKinds, TestBackend } from './backends.js';

type SyncPage = { conversations: Conversation[]; messages: Message[]; cursor: string; hasMore: boolean };
/** A `change` event's data: a page and the cursor it follows, or only the cursors when it was too large to carry. */
type ChangeEvent = SyncPage & { from: string; withheld?: true };

describe.each(backendKinds)('reads, delta sync and events on %s', (kind) => {
  let backend: TestBackend;
  let alice: TestApi;
  let carol: TestApi;

  beforeAll(async () => {
    backend = await TestBackend.start(kind);
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
    carol = await TestApi.signIn(backend.url, 'carol@globex.example');
  });
  afterAll(() => backend?.stop());

  it('sign-in refuses a wrong password and an unknown email alike', async () => {
    for (const [email, password] of [
      ['alice@example.com', 'wrong'],
      ['nobody@example.com', 'holdfast'],
    ]) {
      const response = await new TestApi(backend.url).raw('/api/login', { method: 'POST', json: { email, password } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-credentials');
    }
  });

  it('the demo tenant holds at least 200 conversations and 5,000 messages', async () => {
    const conversations = await alice.conversations();
    expect(conversations.length).toBeGreaterThanOrEqual(200);
    expect(conversations.reduce((sum, conversation) => sum + conversation.messageCount, 0)).toBeGreaterThanOrEqual(5000);
  });

  it('filters the inbox: mine, unassigned, open/closed and search by customer', async () => {
    const me = (await alice.json<{ agent: { id: string } }>('/api/me')).agent.id;
    const mine = await alice.conversations('?view=mine&status=open');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((conversation) => conversation.assigneeId === me && conversation.status === 'open')).toBe(true);
    const unassigned = await alice.conversations('?view=unassigned&status=closed');
    expect(unassigned.every((conversation) => conversation.assigneeId === null && conversation.status === 'closed')).toBe(true);
    const someone = mine[0]!.customerName;
    const found = await alice.conversations(`?q=${encodeURIComponent(someone.split(' ')[1]!)}`);
    expect(found.map((conversation) => conversation.id)).toContain(mine[0]!.id);
    expect(
      found.every((conversation) => `${conversation.customerName} ${conversation.customerEmail}`.toLowerCase().includes(someone.split(' ')[1]!.toLowerCase())),
    ).toBe(true);
    expect((await alice.raw('/api/conversations?view=everyone')).status).toBe(400);
  });

  it("one tenant never reads another's conversations, agents, replies or images", async () => {
    const carolsConversation = (await carol.conversations())[0]!;
    const aliceIds = new Set((await alice.conversations()).map((conversation) => conversation.id));
    expect(aliceIds.has(carolsConversation.id)).toBe(false);
    const response = await alice.raw(`/api/conversations/${carolsConversation.id}`);
    expect(response.status).toBe(404);
    const agents = await alice.json<{ agents: { email: string }[] }>('/api/agents');
    expect(agents.agents.map((agent) => agent.email)).not.toContain('carol@globex.example');
    const sync = await alice.json<SyncPage>('/api/sync?cursor=0&limit=1000');
    expect(sync.conversations.some((conversation) => conversation.id === carolsConversation.id)).toBe(false);
  });

  it('serves attachments only under a valid signature of their own tenant', async () => {
    const withImage = await findMessageWithImage(alice);
    const url = new URL(withImage.attachments[0]!.url, backend.url);
    const image = await fetch(url);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect([...bytes.slice(1, 4)].map((byte) => String.fromCharCode(byte)).join('')).toBe('PNG');

    const forged = new URL(url);
    forged.searchParams.set('sig', 'A'.repeat(32));
    expect((await fetch(forged)).status).toBe(403);
    const carolsTenant = (await carol.json<{ tenant: { id: string } }>('/api/me')).tenant.id;
    const otherTenant = new URL(url);
    otherTenant.searchParams.set('t', carolsTenant);
    expect((await fetch(otherTenant)).status).toBe(403);
  });

  it('delta sync pages through everything, then returns only what changed since the cursor', async () => {
    const seen = new Map<string, Conversation>();
    let messages = 0;
    let cursor = '0';
    let pages = 0;
    let items = 0;
    let remaining: number | undefined;
    for (;;) {
      // The first page also counts what there is to sync (`count=1`): a first sync's progress.
      const page = await alice.json<SyncPage & { remaining?: number }>(`/api/sync?cursor=${cursor}&limit=1000${pages === 0 ? '&count=1' : ''}`);
      if (pages === 0) remaining = page.remaining;
      else expect(page.remaining).toBeUndefined();
      pages++;
      items += page.conversations.length + page.messages.length;
      for (const conversation of page.conversations) seen.set(conversation.id, conversation);
      messages += page.messages.length;
      expect(BigInt(page.cursor)).toBeGreaterThanOrEqual(BigInt(cursor));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages).toBeGreaterThan(5);
    expect(remaining).toBe(items);
    expect(seen.size).toBe((await alice.conversations()).length);
    expect(messages).toBeGreaterThanOrEqual(5000);

    const target = [...seen.values()].find((conversation) => conversation.status === 'open')!;
    const action = createWorkspaceAction('send', target.id, { text: 'delta' });
    await alice.postActions([action]);
    const delta = await alice.json<SyncPage>(`/api/sync?cursor=${cursor}`);
    expect(delta.conversations.map((conversation) => conversation.id)).toEqual([target.id]);
    expect(delta.messages.map((message) => message.id)).toEqual([action.id]);
    expect(delta.hasMore).toBe(false);
    expect((await alice.json<SyncPage>(`/api/sync?cursor=${delta.cursor}`)).conversations).toEqual([]);
    expect((await alice.raw('/api/sync?cursor=-1')).status).toBe(400);
    expect((await alice.raw('/api/sync?cursor=0&count=2')).status).toBe(400);
  });

  it('the event stream pushes a change to every agent of the tenant, and to no one else', async () => {
    const bob = await TestApi.signIn(backend.url, 'bob@example.com');
    const target = (await alice.conversations('?status=open'))[0]!;
    const bobStream = await openStream(bob);
    const carolStream = await openStream(carol);
    await alice.postActions([createWorkspaceAction('close', target.id, {})]);
    const event = await bobStream.next((data) => data.conversations.some((conversation) => conversation.id === target.id));
    expect(event.conversations.find((conversation) => conversation.id === target.id)!.status).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(carolStream.received).toEqual([]);
    bobStream.close();
    carolStream.close();
  });

  it('change events carry their pages as an unbroken chain, each following the one before; a page too large to carry is announced without rows', async () => {
    const bob = await TestApi.signIn(backend.url, 'bob@example.com');
    let cursor = '0';
    for (let more = true; more; ) ({ cursor, hasMore: more } = await bob.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`));
    const target = (await alice.conversations('?status=open'))[1]!;
    // Small changes, one at a time: each arrives carried, and each event's `from` is the previous one's cursor.
    const live = await openStream(bob, cursor);
    for (const text of ['first', 'second', 'third']) await alice.postActions([createWorkspaceAction('send', target.id, { text })]);
    const third = await live.next((data) => data.messages?.some((message) => message.body === 'third') ?? false);
    const chain = live.received.slice(0, live.received.indexOf(third) + 1);
    expect(chain[0]!.from).toBe(cursor);
    for (let index = 1; index < chain.length; index++) expect(chain[index]!.from).toBe(chain[index - 1]!.cursor);
    expect(chain.flatMap((event) => event.messages.map((message) => message.body))).toEqual(expect.arrayContaining(['first', 'second', 'third']));
    live.close();
    // Ten replies of 9,000 characters, read by a stream resuming from before them: one page of about
    // 90 KB, past what an event carries. It comes as a notice (cursors, no rows); a pull from `from` has it.
    const big = await alice.postActions(
      Array.from({ length: 10 }, (_, index) => createWorkspaceAction('send', target.id, { text: `${index} ${'x'.repeat(9000)}` })),
    );
    expect(big.status).toBe(200);
    const resumed = await openStream(bob, third.cursor);
    const notice = await resumed.next((data) => data.withheld === true);
    expect(notice.from).toBe(third.cursor);
    expect(notice.messages).toBeUndefined();
    expect(notice.conversations).toBeUndefined();
    const pulled = await bob.json<SyncPage>(`/api/sync?cursor=${notice.from}&limit=5000`);
    expect(pulled.messages.filter((message) => message.body.endsWith('x'.repeat(100)))).toHaveLength(10);
    resumed.close();
  });

  it('the event stream needs a valid token', async () => {
    expect((await new TestApi(backend.url).raw('/api/events')).status).toBe(401);
  });
});

async function findMessageWithImage(api: TestApi): Promise<Message> {
  for (const conversation of await api.conversations()) {
    const { messages } = await api.conversation(conversation.id);
    const found = messages.find((message) => message.attachments.length > 0);
    if (found) return found;
  }
  throw new Error('no message with an image in the demo data');
}

/** Reads `change` events from GET /api/events (from `cursor` when given). */
async function openStream(api: TestApi, cursor?: string) {
  const controller = new AbortController();
  const response = await api.raw(`/api/events${cursor === undefined ? '' : `?cursor=${cursor}`}`, { signal: controller.signal });
  expect(response.status).toBe(200);
  const received: ChangeEvent[] = [];
  const waiters: (() => void)[] = [];
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.includes('event: change')) continue;
          const data = block
            .split('\n')
            .find((line) => line.startsWith('data: '))!
            .slice(6);
          received.push(JSON.parse(data) as ChangeEvent);
          waiters.splice(0).forEach((wake) => {
            wake();
          });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    received,
    close: () => controller.abort(),
    async next(match: (page: ChangeEvent) => boolean): Promise<ChangeEvent> {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const found = received.find(match);
        if (found) return found;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 250);
        });
      }
      throw new Error('no matching event within 10 s');
    },
  };
}
