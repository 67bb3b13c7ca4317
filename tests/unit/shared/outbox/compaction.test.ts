import { describe, expect, it } from 'vitest';
import { compactPending } from 'holdfast/internal';
import type { OutboxEntry } from 'holdfast/client';
import type { ActionEnvelope } from 'holdfast/client';
import { compactWorkspaceActions, createWorkspaceAction } from '../../../../app/shared/client.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const bob = '00000000-0000-4000-8000-0000000000b0';
const dana = '00000000-0000-4000-8000-0000000000d0';

function queue(...actions: ActionEnvelope[]): OutboxEntry[] {
  return actions.map((action, index) => ({ seq: index + 1, action, queuedAt: 0, attempts: 0 }));
}
function survivors(entries: OutboxEntry[], now = 0): ActionEnvelope[] {
  const dropped = new Set(compactPending(entries, compactWorkspaceActions, now));
  return entries.filter((entry) => !dropped.has(entry)).map((entry) => entry.action);
}

describe('compaction of queued workspace actions', () => {
  it('assign A then assign B sends only B; a chain keeps only the last', () => {
    const first = createWorkspaceAction('assign', A, { assigneeId: bob }, { baseVersion: 3 });
    const second = createWorkspaceAction('assign', A, { assigneeId: dana }, { baseVersion: 3 });
    const third = createWorkspaceAction('assign', A, { assigneeId: null }, { baseVersion: 3 });
    expect(survivors(queue(first, second))).toEqual([second]);
    expect(survivors(queue(first, second, third))).toEqual([third]);
  });

  it('close then reopen against the same version sends nothing; reopen then close likewise', () => {
    expect(survivors(queue(createWorkspaceAction('close', A, {}, { baseVersion: 4 }), createWorkspaceAction('reopen', A, {}, { baseVersion: 4 })))).toEqual([]);
    expect(survivors(queue(createWorkspaceAction('reopen', A, {}, { baseVersion: 4 }), createWorkspaceAction('close', A, {}, { baseVersion: 4 })))).toEqual([]);
  });

  it('close then reopen with a server change seen between them both go: the server judges them', () => {
    const close = createWorkspaceAction('close', A, {}, { baseVersion: 4 });
    const reopen = createWorkspaceAction('reopen', A, {}, { baseVersion: 6 });
    expect(survivors(queue(close, reopen))).toEqual([close, reopen]);
  });

  it('replies are never compacted, and they separate a close from a reopen', () => {
    const close = createWorkspaceAction('close', A, {}, { baseVersion: 4 });
    const reply = createWorkspaceAction('send', A, { text: 'one more thing' }, { baseVersion: 4 });
    const reopen = createWorkspaceAction('reopen', A, {}, { baseVersion: 4 });
    expect(survivors(queue(close, reply, reopen))).toEqual([close, reply, reopen]);
    const twice = createWorkspaceAction('send', A, { text: 'one more thing' }, { baseVersion: 4 });
    expect(survivors(queue(reply, twice))).toEqual([reply, twice]);
  });

  it('only actions on the same conversation pair up', () => {
    const assignA = createWorkspaceAction('assign', A, { assigneeId: bob });
    const assignB = createWorkspaceAction('assign', B, { assigneeId: dana });
    expect(survivors(queue(assignA, assignB))).toEqual([assignA, assignB]);
  });

  it('a repeated close is sent once', () => {
    const close = createWorkspaceAction('close', A, {}, { baseVersion: 4 });
    const again = createWorkspaceAction('close', A, {}, { baseVersion: 4 });
    expect(survivors(queue(close, again))).toEqual([close]);
  });

  it('an action held for undo, or one another action depends on, is left alone', () => {
    const first = createWorkspaceAction('assign', A, { assigneeId: bob });
    const second = createWorkspaceAction('assign', A, { assigneeId: dana });
    const held = queue(first, second);
    held[0]!.holdUntil = 100;
    expect(survivors(held, 50)).toEqual([first, second]);
    expect(survivors(held, 100)).toEqual([second]);
    const depended = queue(first, second);
    depended[1]!.dependsOn = [first.id];
    expect(survivors(depended)).toEqual([first, second]);
  });
});
