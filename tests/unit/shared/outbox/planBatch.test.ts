import { describe, expect, it } from 'vitest';
import { planBatch } from 'holdfast/internal';
import type { OutboxEntry } from 'holdfast/client';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
let seq = 0;
function entry(target: string, extra: Partial<OutboxEntry> = {}): OutboxEntry {
  seq++;
  return {
    seq,
    action: { id: `id-${seq}`, type: 'send', targetId: target, payload: { text: `m${seq}` }, createdAt: '2026-11-23T10:00:00Z' },
    queuedAt: 0,
    attempts: 0,
    ...extra,
  };
}
const limits = { maxActions: 500, maxBytes: 250_000 };

describe('planning the next batch', () => {
  it('takes pending actions in the order they were queued', () => {
    const entries = [entry(A), entry(B), entry(A)];
    expect(planBatch([entries[2]!, entries[0]!, entries[1]!], 0, limits).batch).toEqual(entries);
  });

  it('an action held for undo keeps back the later actions of its conversation only', () => {
    const held = entry(A, { holdUntil: 5000 });
    const afterHeld = entry(A);
    const other = entry(B);
    const plan = planBatch([held, afterHeld, other], 1000, limits);
    expect(plan.batch).toEqual([other]);
    expect(plan.wakeAt).toBe(5000);
    expect(planBatch([held, afterHeld, other], 5000, limits).batch).toEqual([held, afterHeld, other]);
  });

  it("a device's clock set back hours while an action is held: the hold ends, rather than lasting those hours", () => {
    const queuedAt = Date.UTC(2026, 11, 5, 12, 0, 0);
    const held = entry(A, { queuedAt, holdUntil: queuedAt + 4000 });
    const afterHeld = entry(A, { queuedAt: queuedAt + 1000 });
    // A second into the window: held, and the action after it waits.
    expect(planBatch([held, afterHeld], queuedAt + 1000, limits).batch).toEqual([]);
    // The clock then reads three hours earlier: both go, in order.
    expect(planBatch([held, afterHeld], queuedAt - 3 * 3_600_000, limits).batch).toEqual([held, afterHeld]);
  });

  it('an action waits for the queued action it depends on, and may go in the same batch after it', () => {
    const creates = entry(A);
    const reply = entry(B, { dependsOn: [creates.action.id] });
    expect(planBatch([creates, reply], 0, limits).batch).toEqual([creates, reply]);
    const heldCreate = entry(A, { holdUntil: 10 });
    const dependent = entry(B, { dependsOn: [heldCreate.action.id] });
    expect(planBatch([heldCreate, dependent], 0, limits).batch).toEqual([]);
    // Once its dependency is no longer queued (confirmed, or failed), it goes.
    expect(planBatch([dependent], 0, limits).batch).toEqual([dependent]);
  });

  it('stops at the action and byte limits', () => {
    const many = Array.from({ length: 1200 }, () => entry(A));
    expect(planBatch(many, 0, limits).batch).toHaveLength(500);
    const bytes = JSON.stringify(many[0]!.action).length + 1;
    expect(planBatch(many, 0, { maxActions: 500, maxBytes: 16 + bytes * 10 }).batch).toHaveLength(10);
    // A single action larger than the byte limit still goes alone: the server is the judge of it.
    expect(planBatch(many, 0, { maxActions: 500, maxBytes: 1 }).batch).toHaveLength(1);
  });
});
