import type { Agent, CannedReply, Conversation, Message } from '../shared/index.js';
import type { Queryable } from 'holdfast/server';
import type { MediaSigner } from './MediaSigner.js';
import { conversationColumns, messageColumns, toConversation, toMessage } from './rows.js';

/** The workspace's reads. Every query is bounded by tenant: no read can cross into another tenant. */

export type ConversationFilter = {
  view: 'mine' | 'unassigned' | 'all';
  status: 'open' | 'closed' | 'all';
  q?: string;
  limit: number;
};

export async function listConversations(db: Queryable, tenantId: string, agentId: string, filter: ConversationFilter): Promise<Conversation[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  if (filter.view === 'mine') where.push(`assignee_id = $${params.push(agentId)}`);
  if (filter.view === 'unassigned') where.push('assignee_id IS NULL');
  if (filter.status !== 'all') where.push(`status = $${params.push(filter.status)}`);
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const at = params.push(pattern);
    where.push(`(customer_name ILIKE $${at} OR customer_email ILIKE $${at})`);
  }
  const { rows } = await db.query(
    `SELECT ${conversationColumns} FROM conversations WHERE ${where.join(' AND ')}
     ORDER BY last_message_at DESC, id LIMIT $${params.push(filter.limit)}`,
    params,
  );
  return rows.map(toConversation);
}

export async function getConversation(
  db: Queryable,
  tenantId: string,
  id: string,
  signer: Pick<MediaSigner, 'url'>,
): Promise<{ conversation: Conversation; messages: Message[] } | null> {
  const { rows } = await db.query(`SELECT ${conversationColumns} FROM conversations WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  if (rows.length === 0) return null;
  const messages = await db.query(`SELECT ${messageColumns} FROM messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY position`, [tenantId, id]);
  return { conversation: toConversation(rows[0]!), messages: messages.rows.map((row) => toMessage(row, tenantId, signer)) };
}

export async function listAgents(db: Queryable, tenantId: string): Promise<Agent[]> {
  const { rows } = await db.query<{ id: string; name: string; email: string }>('SELECT id, name, email FROM agents WHERE tenant_id = $1 ORDER BY name', [
    tenantId,
  ]);
  return rows.map(({ id, name, email }) => ({ id, name, email }));
}

export async function listCannedReplies(db: Queryable, tenantId: string): Promise<CannedReply[]> {
  const { rows } = await db.query<{ id: string; title: string; body: string }>(
    'SELECT id, title, body FROM canned_replies WHERE tenant_id = $1 ORDER BY title',
    [tenantId],
  );
  return rows.map(({ id, title, body }) => ({ id, title, body }));
}

export type SyncPage = { conversations: Conversation[]; messages: Message[]; cursor: string; hasMore: boolean };

/**
 * Delta sync: what changed in the tenant after `cursor`, oldest first, at most `limit` items. Conversations
 * and messages share one sequence, so merging the two ordered lists and cutting at `limit` gives a page
 * whose last sequence number is the next cursor.
 *
 * The two lists come from two statements, and on a pool each has a snapshot of its own: a reply committed
 * between them (its message, then its conversation, one sequence number each) could be in one list and not
 * the other, and the page's cursor then passed a change the page lacked, for good (a new device a
 * conversation behind, in the chaos suite). Both are bounded by the tenant's newest sequence, read first:
 * every change up to it is committed, since writers of a tenant commit in sequence order (ActionEngine's
 * per-tenant lock), so both statements see all of them whatever their snapshot. A row changed since has a
 * sequence past the bound, and comes in a later page.
 */
export async function syncSince(db: Queryable, tenantId: string, cursor: bigint, limit: number, signer: Pick<MediaSigner, 'url'>): Promise<SyncPage> {
  const bound = (await latestSequences(db, [tenantId])).get(tenantId) ?? 0n;
  if (bound <= cursor) return { conversations: [], messages: [], cursor: cursor.toString(), hasMore: false };
  const range = [tenantId, cursor.toString(), bound.toString(), limit + 1];
  const [conversations, messages] = await Promise.all([
    db.query(
      `SELECT ${conversationColumns} FROM conversations WHERE tenant_id = $1 AND change_seq > $2 AND change_seq <= $3 ORDER BY change_seq LIMIT $4`,
      range,
    ),
    db.query(`SELECT ${messageColumns} FROM messages WHERE tenant_id = $1 AND change_seq > $2 AND change_seq <= $3 ORDER BY change_seq LIMIT $4`, range),
  ]);
  const merged = [
    ...conversations.rows.map((row) => ({ seq: BigInt(row.change_seq as string | number | bigint), kind: 'conversation' as const, row })),
    ...messages.rows.map((row) => ({ seq: BigInt(row.change_seq as string | number | bigint), kind: 'message' as const, row })),
  ].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  const page = merged.slice(0, limit);
  return {
    conversations: page.filter((item) => item.kind === 'conversation').map((item) => toConversation(item.row)),
    messages: page.filter((item) => item.kind === 'message').map((item) => toMessage(item.row, tenantId, signer)),
    cursor: (page.at(-1)?.seq ?? cursor).toString(),
    hasMore: merged.length > limit,
  };
}

/** The newest change sequence of each tenant (0 for one with no data): what a live stream has caught up to. */
export async function latestSequences(db: Queryable, tenantIds: readonly string[]): Promise<Map<string, bigint>> {
  if (tenantIds.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; seq: string | number }>(
    `SELECT t.id, greatest(
       coalesce((SELECT max(change_seq) FROM conversations WHERE tenant_id = t.id), 0),
       coalesce((SELECT max(change_seq) FROM messages WHERE tenant_id = t.id), 0)) AS seq
     FROM unnest($1::uuid[]) AS t(id)`,
    [tenantIds],
  );
  return new Map(rows.map((row) => [row.id, BigInt(row.seq)]));
}

/** How many changes a tenant has after `cursor`, counted up to `limit` (it stops there: cheap however far behind). */
export async function countChangesAfter(db: Queryable, tenantId: string, cursor: bigint, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM conversations WHERE tenant_id = $1 AND change_seq > $2 LIMIT $3) c)
          + (SELECT count(*) FROM (SELECT 1 FROM messages WHERE tenant_id = $1 AND change_seq > $2 LIMIT $3) m) AS n`,
    [tenantId, cursor.toString(), limit],
  );
  return Number(rows[0]!.n);
}
