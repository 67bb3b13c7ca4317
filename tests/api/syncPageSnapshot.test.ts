import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database, type Queryable, type Row } from 'holdfast/server';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { latestSequences, syncSince } from '../../app/server/readModels.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const signer = { url: (tenantId: string, mediaId: string) => `/media/${tenantId}/${mediaId}` };
const conversationsList = /FROM conversations WHERE tenant_id = \$1 AND change_seq > \$2/;
const messagesList = /FROM messages WHERE tenant_id = \$1 AND change_seq > \$2/;

/**
 * The database as a pool serves a sync page's two statements, made to happen in the worst order: the
 * messages list read, then another agent's reply committed, and only then the conversations list.
 */
function conversationsListLate(db: Queryable) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let messagesRead = () => {};
  const messagesDone = new Promise<void>((resolve) => (messagesRead = resolve));
  const late: Queryable = {
    query: async <T extends Row = Row>(sql: string, params?: readonly unknown[]) => {
      if (conversationsList.test(sql)) await released;
      const result = await db.query<T>(sql, params);
      if (messagesList.test(sql)) messagesRead();
      return result;
    },
  };
  return { late, release, messagesDone };
}

/**
 * A delta-sync page of the workspace reads two tables with two statements, and on PostgreSQL's pool each
 * has a snapshot of its own. A reply (its message, then its conversation: one sequence number each)
 * committed between them was in one list and not the other; the page's cursor passed the message, and no
 * later page carried it: a device a conversation behind for good (the chaos suite's cdn-dns-broken, once).
 */
describe('a sync page read while a reply commits', () => {
  let backend: TestBackend;
  let db: Database;
  let alice: TestApi;

  beforeAll(async () => {
    backend = await TestBackend.start('postgres');
    const target = backend.server.target;
    if (!('databaseUrl' in target)) throw new Error('The test needs PostgreSQL.');
    db = await openPostgres({ connectionString: target.databaseUrl, maxConnections: 4 });
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await backend?.stop();
  });

  it('never passes a change it lacks: the page and the one after it hold the reply, its message and its conversation', async () => {
    const [target] = await alice.conversations('?status=open');
    const { rows } = await db.query<{ tenant_id: string }>('SELECT tenant_id FROM conversations WHERE id = $1', [target!.id]);
    const tenantId = rows[0]!.tenant_id;
    // From just before the tenant's newest change: the page has something to read in both tables' range.
    const from = (await latestSequences(db, [tenantId])).get(tenantId)! - 1n;
    const { late, release, messagesDone } = conversationsListLate(db);
    const reading = syncSince(late, tenantId, from, 100, signer);
    await Promise.race([messagesDone, reading]);
    const text = `committed between the two lists ${Date.now()}`;
    const answer = await alice.postActions([createWorkspaceAction('send', target!.id, { text })]);
    expect(answer.status).toBe(200);
    const { version } = (await answer.json()).results[0].state as { version: number };
    release();
    const first = await reading;
    const next = await syncSince(db, tenantId, BigInt(first.cursor), 100, signer);
    const bodies = [...first.messages, ...next.messages].map((message) => message.body);
    expect(bodies).toContain(text);
    const conversation = [...first.conversations, ...next.conversations].filter((found) => found.id === target!.id).at(-1);
    expect(conversation?.version).toBe(version);
  });
});
