import type { ActionEnvelope, ActionResult } from '../../shared/index.js';
import type { Database, Executor } from '../db/Database.js';

/** Who acts: taken from the verified session, never from the request body. */
export type ActorContext = { tenantId: string; agentId: string; agentName: string };

export type HandlerOutcome<State> =
  | { status: 'applied'; state: State; noop?: boolean }
  | { status: 'rejected'; code: string; message: string }
  | { status: 'conflict'; code: string; message: string; state: State };

/**
 * The server side of an app's actions: how a run of new actions changes the database. It gets the
 * actions in the order they must take effect, all by one actor, none seen before, and answers one outcome
 * per action, in order. It must write nothing for an action it rejects or finds in conflict — plan in
 * memory, then write the applied ones in bulk — which is also what makes a batch of 500 cost a handful of
 * statements instead of a few thousand.
 */
export interface BatchApplier<State> {
  applyAll(tx: Executor, actions: readonly ActionEnvelope[], actor: ActorContext): Promise<HandlerOutcome<State>[]>;
}

/** Which target ids exist in a tenant: anything else is refused before a single action is applied. */
export type TargetLookup = (db: Database, tenantId: string, ids: readonly string[]) => Promise<Set<string>>;

export type ActionEngineOptions<State> = {
  db: Database;
  applier: BatchApplier<State>;
  existingTargets: TargetLookup;
  /** Actions that create their target, which may then be missing (ServerApp.createsTarget). */
  createsTarget?: (action: ActionEnvelope) => boolean;
  /** Called once per batch that changed anything, after the commit. */
  onChange?: (tenantId: string) => void;
  /**
   * PostgreSQL: a batch that changed anything sends `pg_notify(notifyChannel, '<tenant>:<sequence>')` in its
   * transaction, delivered at commit to every process LISTENing (ChangeFeed). None: no NOTIFY (PGlite).
   */
  notifyChannel?: string;
};

export class MissingTargetsError extends Error {
  constructor(readonly ids: string[]) {
    super(`Unknown targets: ${ids.join(', ')}`);
  }
}

/**
 * Applies batches of actions at most once each. Generic: what an action does is its applier's business;
 * the engine owns idempotency, order, isolation and atomicity.
 *
 * - At most once: every id of the batch is inserted into `applied_actions` first; the primary key (tenant,
 *   id) makes a second arrival — same process or another, same batch or next week — a `duplicate` with no
 *   effect. Ids are a tenant's own: one another tenant used first neither blocks nor reveals anything.
 * - Order: the applier gets the new actions in the order given, so a target's actions apply as authored.
 * - Atomicity: a batch is one transaction. A rejected or conflicting action's id is removed again, so it
 *   leaves no trace and may be sent again later; a crash mid-batch commits nothing of it, and the client's
 *   retry applies it whole. (One transaction and set-based writes per batch rather than a transaction per
 *   action: see "Server apply path" in bench/RESULTS.md.)
 * - A per-tenant advisory lock serialises writers of one tenant, so `change_seq` values become visible
 *   in order and a delta-sync cursor never skips a change committed late.
 */
export class ActionEngine<State> {
  readonly #options: ActionEngineOptions<State>;

  constructor(options: ActionEngineOptions<State>) {
    this.#options = options;
  }

  async applyBatch(actor: ActorContext, actions: readonly ActionEnvelope[]): Promise<ActionResult<State>[]> {
    const { db, existingTargets, onChange, applier, createsTarget } = this.#options;
    const targetIds = [...new Set(actions.map((action) => action.targetId))];
    const found = await existingTargets(db, actor.tenantId, targetIds);
    // A target created in this batch may be used by the actions after its creation; the applier judges
    // whether the creation itself may go (and rejects the rest if it does not).
    const created = new Set<string>();
    const missingSet = new Set<string>();
    for (const action of actions) {
      if (found.has(action.targetId) || created.has(action.targetId)) continue;
      if (createsTarget?.(action)) created.add(action.targetId);
      else missingSet.add(action.targetId);
    }
    const missing = [...missingSet];
    if (missing.length > 0) throw new MissingTargetsError(missing);

    const results = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [actor.tenantId]);
      const recorded = await recordIds(tx, actor, actions);
      const fresh: ActionEnvelope[] = [];
      const seen = new Set<string>();
      for (const action of actions) {
        if (recorded.has(action.id) && !seen.has(action.id)) fresh.push(action);
        seen.add(action.id);
      }
      const outcomes = fresh.length > 0 ? await applier.applyAll(tx, fresh, actor) : [];
      if (outcomes.length !== fresh.length) throw new Error(`The applier answered ${outcomes.length} outcomes for ${fresh.length} actions.`);
      const byId = new Map(fresh.map((action, index) => [action.id, outcomes[index]!]));
      const undone = fresh.filter((action) => byId.get(action.id)!.status !== 'applied').map((action) => action.id);
      if (undone.length > 0) await tx.query('DELETE FROM applied_actions WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [actor.tenantId, undone]);
      const changed = outcomes.some((outcome) => outcome.status === 'applied' && !outcome.noop);
      if (this.#options.notifyChannel && changed) {
        await tx.query(`SELECT pg_notify($1, $2 || ':' || (SELECT last_value FROM change_seq))`, [this.#options.notifyChannel, actor.tenantId]);
      }
      const answered = new Set<string>();
      return actions.map((action): ActionResult<State> => {
        const outcome = byId.get(action.id);
        if (!outcome || answered.has(action.id)) return { id: action.id, status: 'duplicate' };
        answered.add(action.id);
        return { id: action.id, ...outcome };
      });
    });
    if (results.some((result) => result.status === 'applied' && !result.noop)) onChange?.(actor.tenantId);
    return results;
  }
}

/** Inserts every id of the batch in one statement; answers the ids that were new. */
async function recordIds(tx: Executor, actor: ActorContext, actions: readonly ActionEnvelope[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO applied_actions (id, tenant_id, agent_id, target_id, type, payload, client_created_at)
     SELECT id, $1, $2, target_id, type, payload::jsonb, client_created_at
     FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[])
       AS batch(id, target_id, type, payload, client_created_at)
     ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
    [
      actor.tenantId,
      actor.agentId,
      actions.map((action) => action.id),
      actions.map((action) => action.targetId),
      actions.map((action) => action.type),
      actions.map((action) => JSON.stringify(action.payload)),
      actions.map((action) => action.createdAt),
    ],
  );
  return new Set(rows.map((row) => row.id));
}
