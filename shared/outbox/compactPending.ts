import type { ActionEnvelope } from '../core/protocol.js';
import { isHeld, type OutboxEntry } from './outboxTypes.js';

/**
 * What to do with two queued actions on the same target, the later right after the earlier (nothing else
 * queued for that target between them). An app registers one such rule for its action types; the core
 * never looks inside the actions. `keep-both` is always a safe answer.
 */
export type CompactionVerdict = 'keep-both' | 'drop-earlier' | 'drop-later' | 'drop-both';
export type CompactionRule = (earlier: ActionEnvelope, later: ActionEnvelope) => CompactionVerdict;

/**
 * The entries a rule makes superfluous, to be deleted before a batch is sent. Only entries that are free
 * to go are considered: one held for undo may still be taken back, and one another entry depends on must
 * reach the server. Pairs are folded per target in queue order until nothing changes, so "assign A,
 * assign B, assign C" leaves only C.
 */
export function compactPending(entries: readonly OutboxEntry[], rule: CompactionRule, now: number): OutboxEntry[] {
  const dependedOn = new Set(entries.flatMap((entry) => entry.dependsOn ?? []));
  const byTarget = new Map<string, OutboxEntry[]>();
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const list = byTarget.get(entry.action.targetId) ?? [];
    list.push(entry);
    byTarget.set(entry.action.targetId, list);
  }
  const movable = (entry: OutboxEntry) => !isHeld(entry, now) && !dependedOn.has(entry.action.id);

  const dropped: OutboxEntry[] = [];
  for (const queue of byTarget.values()) {
    let index = 0;
    while (index < queue.length - 1) {
      const earlier = queue[index]!;
      const later = queue[index + 1]!;
      const verdict = movable(earlier) && movable(later) ? rule(earlier.action, later.action) : 'keep-both';
      if (verdict === 'keep-both') {
        index++;
        continue;
      }
      const gone = verdict === 'drop-both' ? [earlier, later] : verdict === 'drop-earlier' ? [earlier] : [later];
      for (const entry of gone) queue.splice(queue.indexOf(entry), 1);
      dropped.push(...gone);
      // The survivor (or the entry now in the gap) may pair with its new neighbour.
      index = Math.max(0, index - 1);
    }
  }
  return dropped;
}
