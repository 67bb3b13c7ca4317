import type { ActionEnvelope, ActionResult } from '../core/protocol.js';
import type { FailedAction, OutboxEntry, PauseReason } from './outboxTypes.js';

/** An action the server applied, with the target's state it answered (e.g. the version it is at now). */
export type AppliedAction = { action: ActionEnvelope; state?: unknown; duplicate?: boolean };

/**
 * What one committed outbox change did, told to the tab that made it and, through a BroadcastChannel, to
 * every other tab. Each carries what a view of the queue needs to follow it without reading the queue
 * again: a settled batch of 500 with 10,000 queued costs no read at all.
 */
export type OutboxChange =
  | { kind: 'enqueued'; entry: OutboxEntry }
  /**
   * Entries left the queue: `applied` by the server (with its state), moved to the failed list (`failed`),
   * or dropped without a word from the server (compacted, taken back): `removed` names them all.
   */
  | { kind: 'settled'; removed: string[]; applied: AppliedAction[]; failed: FailedAction[] }
  /** A failed action went back into the queue, as `entry`. */
  | { kind: 'retried'; failedId: string; entry: OutboxEntry | null }
  | { kind: 'discarded'; failedId: string }
  | { kind: 'paused'; reason: PauseReason | null };

/** The applied results of a batch, paired with their actions. */
export function appliedActions(entries: readonly OutboxEntry[], results: readonly ActionResult[]): AppliedAction[] {
  const byId = new Map(entries.map((entry) => [entry.action.id, entry.action]));
  return results.flatMap((result): AppliedAction[] => {
    const action = byId.get(result.id);
    if (!action) return [];
    if (result.status === 'applied') return [{ action, state: result.state }];
    if (result.status === 'duplicate') return [{ action, duplicate: true }];
    return [];
  });
}
