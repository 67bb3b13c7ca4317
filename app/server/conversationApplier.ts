import { judgeWorkspaceAction, type ChangeSinceBase, type ConversationChangeKind, type ConversationState, type WorkspaceAction } from '../shared/index.js';
import type { ActorContext, BatchApplier, Executor, HandlerOutcome, TargetLookup } from 'holdfast/server';
// From the runtime-neutral entry: the in-browser demo runs this applier too.
import { tenantMemberIds } from 'holdfast/server-core';
import { toConversationState } from './rows.js';

/**
 * The workspace's server side of send, close, reopen and assign. The engine has recorded the ids and holds
 * the tenant's write lock. Set-based: one read of the targets, their history and the team; every action
 * judged in memory, in order, against the state its predecessors left; then one write per table.
 */

type Outcome = HandlerOutcome<ConversationState>;

export const existingConversations: TargetLookup = async (db, tenantId, ids) => {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM conversations WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
  return new Set(rows.map((row) => row.id));
};

/** What the batch does to one conversation, accumulated in memory. */
type Working = { state: ConversationState; changed: boolean; messagesAdded: number; lastText: string | null };
type ChangeRow = { conversationId: string; version: number; kind: ConversationChangeKind; actionId: string; detail: string };
type History = Map<string, { version: number; kind: ConversationChangeKind; agentId: string | null }[]>;

export const conversationApplier: BatchApplier<ConversationState> = {
  async applyAll(tx, envelopes, actor) {
    const actions = envelopes as readonly WorkspaceAction[];
    const working = await readTargets(tx, actions, actor);
    const history = await readHistory(tx, actions, working);
    const team = actions.some((action) => action.type === 'assign') ? await tenantMemberIds(tx, actor.tenantId) : new Set<string>();
    const messages: WorkspaceAction[] = [];
    const changes: ChangeRow[] = [];

    const outcomes = actions.map((action): Outcome => {
      const target = working.get(action.targetId)!;
      const { state } = target;
      if (action.baseVersion !== undefined && action.baseVersion > state.version) {
        return {
          status: 'rejected',
          code: 'invalid-base-version',
          message: `baseVersion ${action.baseVersion} is newer than the conversation (version ${state.version}).`,
        };
      }
      // Only other agents' changes can defeat an intent; this batch is all one actor's.
      const othersChanges: ChangeSinceBase[] =
        action.baseVersion === undefined
          ? []
          : (history.get(action.targetId) ?? []).filter((change) => change.version > action.baseVersion! && change.agentId !== actor.agentId);
      const judgement = judgeWorkspaceAction(action, state, othersChanges);
      if (judgement.outcome === 'conflict') return { status: 'conflict', code: judgement.code, message: judgement.message, state: { ...state } };
      if (judgement.outcome === 'noop') return { status: 'applied', state: { ...state }, noop: true };
      if (action.type === 'assign' && action.payload.assigneeId !== null && !team.has(action.payload.assigneeId)) {
        return { status: 'rejected', code: 'unknown-agent', message: 'No such agent in your workspace.' };
      }
      const kind = changeKind(action);
      if (action.type === 'send') {
        messages.push(action);
        target.messagesAdded++;
        target.lastText = action.payload.text;
      }
      if (action.type === 'close') state.status = 'closed';
      if (action.type === 'reopen') state.status = 'open';
      if (action.type === 'assign') state.assigneeId = action.payload.assigneeId;
      state.version++;
      target.changed = true;
      changes.push({ conversationId: action.targetId, version: state.version, kind, actionId: action.id, detail: JSON.stringify(action.payload) });
      return { status: 'applied', state: { ...state } };
    });

    await insertMessages(tx, messages, actor);
    await updateConversations(
      tx,
      [...working.values()].filter((target) => target.changed),
    );
    await insertChanges(tx, changes, actor);
    return outcomes;
  },
};

function changeKind(action: WorkspaceAction): ConversationChangeKind {
  return action.type === 'send' ? 'message' : action.type;
}

async function readTargets(tx: Executor, actions: readonly WorkspaceAction[], actor: ActorContext): Promise<Map<string, Working>> {
  const ids = [...new Set(actions.map((action) => action.targetId))];
  const { rows } = await tx.query('SELECT id, version, status, assignee_id FROM conversations WHERE tenant_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE', [
    actor.tenantId,
    ids,
  ]);
  return new Map(rows.map((row) => [row.id as string, { state: toConversationState(row), changed: false, messagesAdded: 0, lastText: null }]));
}

/** The recorded changes after the oldest version any action of the batch saw, per conversation. */
async function readHistory(tx: Executor, actions: readonly WorkspaceAction[], working: Map<string, Working>): Promise<History> {
  const oldestBase = new Map<string, number>();
  for (const action of actions) {
    const { baseVersion, targetId: conversationId } = action;
    if (baseVersion === undefined || baseVersion >= working.get(conversationId)!.state.version) continue;
    oldestBase.set(conversationId, Math.min(baseVersion, oldestBase.get(conversationId) ?? Infinity));
  }
  const history: History = new Map();
  if (oldestBase.size === 0) return history;
  const { rows } = await tx.query<{ conversation_id: string; version: number; kind: ConversationChangeKind; actor_agent_id: string | null }>(
    `SELECT c.conversation_id, c.version, c.kind, c.actor_agent_id
     FROM conversation_changes c JOIN unnest($1::uuid[], $2::int[]) AS base(conversation_id, version)
       ON c.conversation_id = base.conversation_id AND c.version > base.version
     ORDER BY c.conversation_id, c.version`,
    [[...oldestBase.keys()], [...oldestBase.values()]],
  );
  for (const row of rows) {
    const list = history.get(row.conversation_id) ?? [];
    list.push({ version: Number(row.version), kind: row.kind, agentId: row.actor_agent_id });
    history.set(row.conversation_id, list);
  }
  return history;
}

// The message takes the action's id, so the author's optimistic copy and the server's are one message.
// clock_timestamp(), not now(): messages of one batch keep distinct, ordered times.
async function insertMessages(tx: Executor, sends: readonly WorkspaceAction[], actor: ActorContext): Promise<void> {
  if (sends.length === 0) return;
  await tx.query(
    `INSERT INTO messages (id, tenant_id, conversation_id, author_kind, author_agent_id, author_name, body, created_at)
     SELECT id, $1, conversation_id, 'agent', $2, $3, body, clock_timestamp()
     FROM unnest($4::uuid[], $5::uuid[], $6::text[]) WITH ORDINALITY AS sent(id, conversation_id, body, n) ORDER BY n`,
    [
      actor.tenantId,
      actor.agentId,
      actor.agentName,
      sends.map((action) => action.id),
      sends.map((action) => action.targetId),
      sends.map((action) => (action.type === 'send' ? action.payload.text : '')),
    ],
  );
}

async function updateConversations(tx: Executor, targets: readonly Working[]): Promise<void> {
  if (targets.length === 0) return;
  await tx.query(
    `UPDATE conversations c SET
       status = t.status, assignee_id = t.assignee_id, version = t.version,
       message_count = c.message_count + t.added,
       last_message_at = CASE WHEN t.added > 0 THEN clock_timestamp() ELSE c.last_message_at END,
       last_message_preview = CASE WHEN t.added > 0 THEN left(t.last_text, 140) ELSE c.last_message_preview END,
       updated_at = now(), change_seq = nextval('change_seq')
     FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::int[], $6::text[])
       AS t(id, status, assignee_id, version, added, last_text)
     WHERE c.id = t.id`,
    [
      targets.map((target) => target.state.id),
      targets.map((target) => target.state.status),
      targets.map((target) => target.state.assigneeId),
      targets.map((target) => target.state.version),
      targets.map((target) => target.messagesAdded),
      targets.map((target) => target.lastText),
    ],
  );
}

async function insertChanges(tx: Executor, changes: readonly ChangeRow[], actor: ActorContext): Promise<void> {
  if (changes.length === 0) return;
  await tx.query(
    `INSERT INTO conversation_changes (conversation_id, version, kind, actor_agent_id, action_id, detail)
     SELECT conversation_id, version, kind, $1, action_id, detail::jsonb
     FROM unnest($2::uuid[], $3::int[], $4::text[], $5::uuid[], $6::text[]) AS c(conversation_id, version, kind, action_id, detail)`,
    [
      actor.agentId,
      changes.map((c) => c.conversationId),
      changes.map((c) => c.version),
      changes.map((c) => c.kind),
      changes.map((c) => c.actionId),
      changes.map((c) => c.detail),
    ],
  );
}
