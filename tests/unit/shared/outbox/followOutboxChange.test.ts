import { describe, expect, it } from 'vitest';
import { followOutboxChange } from 'holdfast/internal';
import type { FailedAction, OutboxEntry, OutboxSnapshot } from 'holdfast/client';
import { createWorkspaceAction } from '../../../../app/shared/client.js';

const target = '00000000-0000-4000-8000-00000000000a';
const entry = (seq: number): OutboxEntry => ({ seq, action: createWorkspaceAction('send', target, { text: `m${seq}` }), queuedAt: 0, attempts: 0 });
const empty: OutboxSnapshot = { loaded: true, pending: [], failed: [], paused: null, lastPass: null, progress: null };

describe('a view of the outbox follows its changes without reading the queue', () => {
  it('a settled batch leaves the queue with what the server answered; the rest of 10,000 stays, in order', () => {
    const pending = Array.from({ length: 10_000 }, (_, index) => entry(index + 1));
    const batch = pending.slice(0, 500);
    const failed: FailedAction = { action: batch[7]!.action, kind: 'rejected', code: 'x', message: 'no', queuedAt: 0, failedAt: 1 };
    const applied = batch.filter((_, index) => index !== 7).map((queued) => ({ action: queued.action, state: { id: target, version: queued.seq } }));
    const { snapshot, settled } = followOutboxChange(
      { ...empty, pending },
      { kind: 'settled', removed: batch.map((queued) => queued.action.id), applied, failed: [failed] },
    );
    expect(snapshot.pending).toEqual(pending.slice(500));
    expect(snapshot.failed).toEqual([failed]);
    expect(settled!.removed).toEqual(batch.map((queued) => queued.action));
    expect(settled!.applied).toHaveLength(499);
    expect(settled!.failed).toEqual([failed]);
  });

  it('enqueued entries keep queue order, once each; retried, discarded and paused change only what they name', () => {
    let snapshot = followOutboxChange(empty, { kind: 'enqueued', entry: entry(2) }).snapshot;
    snapshot = followOutboxChange(snapshot, { kind: 'enqueued', entry: entry(1) }).snapshot;
    const again = followOutboxChange(snapshot, { kind: 'enqueued', entry: snapshot.pending[0]! });
    expect(again.snapshot).toBe(snapshot);
    expect(snapshot.pending.map((queued) => queued.seq)).toEqual([1, 2]);
    const failed: FailedAction = { action: entry(9).action, kind: 'conflict', code: 'c', message: 'm', queuedAt: 0, failedAt: 0 };
    snapshot = { ...snapshot, failed: [failed] };
    const requeued = { ...entry(3), action: failed.action };
    snapshot = followOutboxChange(snapshot, { kind: 'retried', failedId: failed.action.id, entry: requeued }).snapshot;
    expect(snapshot.failed).toEqual([]);
    expect(snapshot.pending.map((queued) => queued.seq)).toEqual([1, 2, 3]);
    snapshot = followOutboxChange({ ...snapshot, failed: [failed] }, { kind: 'discarded', failedId: failed.action.id }).snapshot;
    expect(snapshot.failed).toEqual([]);
    expect(followOutboxChange(snapshot, { kind: 'paused', reason: 'unauthorized' }).snapshot.paused).toBe('unauthorized');
  });
});
