import type { ActionEnvelope, ActionRegistry, ActionResult } from '../../shared/index.js';
import type { Database, Executor } from '../db/Database.js';

/** Who acts: taken from the verified session, never from the request body. */
export type ActorContext = { tenantId: string; agentId: string; agentName: string };

export type HandlerOutcome<State> =
  | { status: 'applied'; state: State; noop?: boolean }
  | { status: 'rejected'; code: string; message: string }
  | { status: 'conflict'; code: string; message: string; state: State };

/** The server side of one registered action type: how it changes the database. */
export interface ActionHandler<State> {
  apply(tx: Executor, action: ActionEnvelope, actor: ActorContext): Promise<HandlerOutcome<State>>;
}

/** Which target ids exist in a tenant: anything else is refused before a single action is applied. */
export type TargetLookup = (db: Database, tenantId: string, ids: readonly string[]) => Promise<Set<string>>;

export type ActionEngineOptions<State> = {
  db: Database;
  registry: ActionRegistry;
  handlers: Record<string, ActionHandler<State>>;
  existingTargets: TargetLookup;
  /** Called once per batch that changed anything, after the commits. */
  onChange?: (tenantId: string) => void;
};

export class MissingTargetsError extends Error {
  constructor(readonly ids: string[]) {
    super(`Unknown targets: ${ids.join(', ')}`);
  }
}

class RollBack<State> {
  constructor(readonly outcome: Exclude<HandlerOutcome<State>, { status: 'applied' }>) {}
}

/**
 * Applies batches of actions at most once each. Generic: what an action does is its handler's business;
 * the engine owns idempotency, order, isolation and atomicity.
 *
 * - At most once: each action's transaction first inserts its id into `applied_actions`; the primary key
 *   makes a second arrival — same process or another, now or next week — a `duplicate` with no effect.
 * - Order: actions run one after another in the order given, so a target's actions apply as authored.
 * - Atomicity: an action's effects and its id commit together or not at all; a rejected or conflicting
 *   action rolls back, leaves no trace and does not stop the rest of the batch.
 * - A per-tenant advisory lock serialises writers of one tenant, so `change_seq` values become visible
 *   in order and a delta-sync cursor never skips a change committed late.
 */
export class ActionEngine<State> {
  readonly #options: ActionEngineOptions<State>;

  constructor(options: ActionEngineOptions<State>) {
    for (const type of options.registry.types) {
      if (!options.handlers[type]) throw new Error(`No server handler for action type "${type}".`);
    }
    this.#options = options;
  }

  async applyBatch(actor: ActorContext, actions: readonly ActionEnvelope[]): Promise<ActionResult<State>[]> {
    const { db, existingTargets, onChange } = this.#options;
    const targetIds = [...new Set(actions.map((action) => action.conversationId))];
    const found = await existingTargets(db, actor.tenantId, targetIds);
    const missing = targetIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new MissingTargetsError(missing);

    const results: ActionResult<State>[] = [];
    for (const action of actions) results.push(await this.#applyOne(actor, action));
    if (results.some((result) => result.status === 'applied' && !result.noop)) onChange?.(actor.tenantId);
    return results;
  }

  async #applyOne(actor: ActorContext, action: ActionEnvelope): Promise<ActionResult<State>> {
    const handler = this.#options.handlers[action.type]!;
    try {
      return await this.#options.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [actor.tenantId]);
        const inserted = await tx.query(
          `INSERT INTO applied_actions (id, tenant_id, agent_id, conversation_id, type, payload, client_created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [action.id, actor.tenantId, actor.agentId, action.conversationId, action.type, JSON.stringify(action.payload), action.createdAt],
        );
        if (inserted.rows.length === 0) return { id: action.id, status: 'duplicate' as const };
        const outcome = await handler.apply(tx, action, actor);
        if (outcome.status !== 'applied') throw new RollBack(outcome);
        return { id: action.id, ...outcome };
      });
    } catch (error) {
      if (error instanceof RollBack) return { id: action.id, ...(error.outcome as RollBack<State>['outcome']) };
      throw error;
    }
  }
}
