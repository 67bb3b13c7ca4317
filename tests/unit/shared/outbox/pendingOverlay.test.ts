import { describe, expect, it } from 'vitest';
import { PendingOverlay } from 'holdfast/internal';
import { createWorkspaceAction } from '../../../../app/shared/client.js';

const [a, b] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];

describe('what is drawn over server state', () => {
  it('pending actions by target, in order; applied ones stay drawn until a sync started after them lands', () => {
    const overlay = new PendingOverlay();
    const sent = createWorkspaceAction('send', a, { text: 'sent' });
    const pending = [createWorkspaceAction('close', a, {}), createWorkspaceAction('send', b, { text: 'later' })];
    overlay.confirm([sent]);
    const early = overlay.syncStarting(); // started before the next confirmation
    const closed = createWorkspaceAction('close', b, {});
    overlay.confirm([closed]);
    const drawn = overlay.byTarget(pending, new Set());
    expect(drawn.get(a)).toEqual({ pending: [pending[0]], confirmed: [sent] });
    expect(drawn.get(b)).toEqual({ pending: [pending[1]], confirmed: [closed] });
    expect(early()).toBe(true);
    // The sync that started before `closed` was confirmed cannot have brought it: still drawn.
    expect(overlay.byTarget([], new Set()).get(b)).toEqual({ pending: [], confirmed: [closed] });
    expect(overlay.byTarget([], new Set()).has(a)).toBe(false);
  });

  it('an action taken back, or failed, is never drawn as done', () => {
    const overlay = new PendingOverlay();
    const undone = createWorkspaceAction('send', a, { text: 'oops' });
    const failed = createWorkspaceAction('assign', a, { assigneeId: null });
    overlay.cancel(undone.id);
    overlay.confirm([undone, failed]);
    expect(overlay.byTarget([], new Set([failed.id])).size).toBe(0);
    const kept = createWorkspaceAction('send', b, { text: 'kept' });
    overlay.cancel(kept.id);
    overlay.restore(kept.id); // the take-back failed: it was already on its way
    overlay.confirm([kept]);
    expect(overlay.byTarget([], new Set()).get(b)!.confirmed).toEqual([kept]);
  });
});
