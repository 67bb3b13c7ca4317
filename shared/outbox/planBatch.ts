import { isHeld, type OutboxEntry } from './outboxTypes.js';

export type BatchLimits = {
  /** Most actions in one request (the protocol allows 500). */
  maxActions: number;
  /** Most bytes of JSON in one request, under the server's body limit with room for the envelope. */
  maxBytes: number;
};

export type BatchPlan = {
  batch: OutboxEntry[];
  /** When an entry now held back (undo window) becomes free to go; undefined when none is held. */
  wakeAt?: number;
};

/**
 * The next batch to send: pending entries in queue order, except that a target with an entry that may
 * not go yet (held for undo, or waiting on an action still queued outside this batch) keeps all its later
 * entries back, so per-target order holds, while other targets' entries go ahead. One stuck target never
 * blocks the rest.
 */
export function planBatch(entries: readonly OutboxEntry[], now: number, limits: BatchLimits): BatchPlan {
  const queued = new Set(entries.map((entry) => entry.action.id));
  const taken = new Set<string>();
  const blockedTargets = new Set<string>();
  const batch: OutboxEntry[] = [];
  let bytes = 16;
  let wakeAt: number | undefined;

  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const target = entry.action.targetId;
    if (blockedTargets.has(target)) continue;
    const held = isHeld(entry, now);
    const waiting = (entry.dependsOn ?? []).some((id) => queued.has(id) && !taken.has(id));
    if (held || waiting) {
      blockedTargets.add(target);
      if (held) wakeAt = Math.min(wakeAt ?? Infinity, entry.holdUntil!);
      continue;
    }
    const size = JSON.stringify(entry.action).length + 1;
    if (batch.length > 0 && (batch.length >= limits.maxActions || bytes + size > limits.maxBytes)) break;
    batch.push(entry);
    taken.add(entry.action.id);
    bytes += size;
  }
  return wakeAt === undefined ? { batch } : { batch, wakeAt };
}
