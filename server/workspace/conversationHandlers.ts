import type { ActionEnvelope } from '../../shared/index.js';
import {
  judgeWorkspaceAction,
  type ChangeSinceBase,
  type ConversationChangeKind,
  type ConversationState,
  type WorkspaceAction,
} from '../../shared/workspace/index.js';
import type { ActionHandler, ActorContext, HandlerOutcome, TargetLookup } from '../actions/ActionEngine.js';
import type { Executor } from '../db/Database.js';
import { toConversationState } from './rows.js';

/**
 * The workspace's server-side action handlers: what send, close, reopen and assign do to the database.
 * The engine has already recorded the action id and holds the tenant's write lock.
 */

type Outcome = HandlerOutcome<ConversationState>;

export const existingConversations: TargetLookup = async (db, tenantId, ids) => {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM conversations WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
    [tenantId, ids],
  );
  return new Set(rows.map((row) => row.id));
};

async function judge(tx: Executor, action: WorkspaceAction, actor: ActorContext) {
  const { rows } = await tx.query('SELECT id, version, status, assignee_id FROM conversations WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [
    action.conversationId,
    actor.tenantId,
  ]);
  const state = toConversationState(rows[0]!);
  if (action.baseVersion !== undefined && action.baseVersion > state.version) {
    return { state, rejection: { status: 'rejected', code: 'invalid-base-version', message: `baseVersion ${action.baseVersion} is newer than the conversation (version ${state.version}).` } as Outcome };
  }
  let othersChanges: ChangeSinceBase[] = [];
  if (action.baseVersion !== undefined && action.baseVersion < state.version) {
    const changes = await tx.query<{ kind: ConversationChangeKind }>(
      `SELECT kind FROM conversation_changes
       WHERE conversation_id = $1 AND version > $2 AND actor_agent_id IS DISTINCT FROM $3 ORDER BY version`,
      [action.conversationId, action.baseVersion, actor.agentId],
    );
    othersChanges = changes.rows;
  }
  return { state, judgement: judgeWorkspaceAction(action, state, othersChanges) };
}

/** Bumps the version, records the change for conflict rules and delta sync, returns the new state. */
async function recordChange(
  tx: Executor,
  action: ActionEnvelope,
  actor: ActorContext,
  kind: ConversationChangeKind,
  set: string,
  params: unknown[],
): Promise<ConversationState> {
  const { rows } = await tx.query(
    `UPDATE conversations SET ${set}${set ? ', ' : ''}version = version + 1, updated_at = now(), change_seq = nextval('change_seq')
     WHERE id = $1 RETURNING id, version, status, assignee_id`,
    [action.conversationId, ...params],
  );
  const state = toConversationState(rows[0]!);
  await tx.query(
    `INSERT INTO conversation_changes (conversation_id, version, kind, actor_agent_id, action_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [action.conversationId, state.version, kind, actor.agentId, action.id, JSON.stringify(action.payload)],
  );
  return state;
}

function handler(apply: (tx: Executor, action: WorkspaceAction, actor: ActorContext) => Promise<Outcome>): ActionHandler<ConversationState> {
  return {
    async apply(tx, envelope, actor) {
      const action = envelope as WorkspaceAction;
      const verdict = await judge(tx, action, actor);
      if (verdict.rejection) return verdict.rejection;
      const { judgement, state } = verdict;
      if (judgement.outcome === 'conflict') return { status: 'conflict', code: judgement.code, message: judgement.message, state };
      if (judgement.outcome === 'noop') return { status: 'applied', state, noop: true };
      return apply(tx, action, actor);
    },
  };
}

export const conversationHandlers: Record<WorkspaceAction['type'], ActionHandler<ConversationState>> = {
  send: handler(async (tx, action, actor) => {
    if (action.type !== 'send') throw new Error('unreachable');
    const text = action.payload.text;
    // The message takes the action's id, so the author's optimistic copy and the server's are one message.
    await tx.query(
      `INSERT INTO messages (id, tenant_id, conversation_id, author_kind, author_agent_id, author_name, body)
       VALUES ($1, $2, $3, 'agent', $4, $5, $6)`,
      [action.id, actor.tenantId, action.conversationId, actor.agentId, actor.agentName, text],
    );
    const state = await recordChange(tx, action, actor, 'message',
      'message_count = message_count + 1, last_message_at = now(), last_message_preview = left($2, 140)', [text]);
    return { status: 'applied', state };
  }),
  close: handler(async (tx, action, actor) => ({
    status: 'applied',
    state: await recordChange(tx, action, actor, 'close', `status = 'closed'`, []),
  })),
  reopen: handler(async (tx, action, actor) => ({
    status: 'applied',
    state: await recordChange(tx, action, actor, 'reopen', `status = 'open'`, []),
  })),
  assign: handler(async (tx, action, actor) => {
    if (action.type !== 'assign') throw new Error('unreachable');
    const { assigneeId } = action.payload;
    if (assigneeId !== null) {
      const agent = await tx.query('SELECT 1 FROM agents WHERE id = $1 AND tenant_id = $2', [assigneeId, actor.tenantId]);
      if (agent.rows.length === 0) {
        return { status: 'rejected', code: 'unknown-agent', message: 'No such agent in your workspace.' };
      }
    }
    return { status: 'applied', state: await recordChange(tx, action, actor, 'assign', 'assignee_id = $2', [assigneeId]) };
  }),
};
