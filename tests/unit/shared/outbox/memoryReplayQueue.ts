import { compactPending, planBatch, type ReplayQueue } from 'holdfast/internal';
import type { FailedAction, OutboxEntry, PauseReason, ReplayStats } from 'holdfast/client';
import type { ActionEnvelope, ActionResult } from 'holdfast/client';

/**
 * The replayer's queue in memory, for unit tests of replay *logic* (batching, backoff, bisection, pause).
 * The IndexedDB outbox itself is tested in Chromium (tests/e2e/outbox*.spec.ts): fakes lie about storage.
 */
export class MemoryReplayQueue implements ReplayQueue {
  entries: OutboxEntry[] = [];
  failed: FailedAction[] = [];
  pausedReason: PauseReason | null = null;
  replays: ReplayStats[] = [];
  #seq = 0;
  constructor(readonly now: () => number = Date.now) {}

  add(action: ActionEnvelope, extra: Partial<OutboxEntry> = {}): OutboxEntry {
    const entry: OutboxEntry = { seq: ++this.#seq, action, queuedAt: this.now(), attempts: 0, ...extra };
    this.entries.push(entry);
    return entry;
  }
  async nextBatch(limits: Parameters<ReplayQueue['nextBatch']>[0], rule?: Parameters<ReplayQueue['nextBatch']>[1]) {
    const dropped = rule ? compactPending(this.entries, rule, this.now()) : [];
    this.entries = this.entries.filter((entry) => !dropped.includes(entry));
    return { ...planBatch(this.entries, this.now(), limits), compacted: dropped.length, remaining: this.entries.length, contiguous: false };
  }
  async settle(entries: readonly OutboxEntry[], results: readonly ActionResult[]) {
    for (const result of results) {
      const entry = entries.find((candidate) => candidate.action.id === result.id);
      if (!entry) continue;
      this.entries = this.entries.filter((candidate) => candidate !== entry);
      if (result.status === 'rejected' || result.status === 'conflict') {
        this.failed.push({
          action: entry.action,
          kind: result.status,
          code: result.code,
          message: result.message,
          queuedAt: entry.queuedAt,
          failedAt: this.now(),
        });
      }
    }
  }
  async deadLetter(entry: OutboxEntry, code: string, message: string) {
    await this.settle([entry], [{ id: entry.action.id, status: 'rejected', code, message }]);
  }
  async noteAttempt(entries: readonly OutboxEntry[]) {
    for (const entry of entries) entry.attempts++;
  }
  async noteIsolatedFailure(entry: OutboxEntry) {
    const current = this.entries.find((candidate) => candidate.seq === entry.seq);
    if (current) current.serverErrors = (current.serverErrors ?? 0) + 1;
    return current?.serverErrors ?? 1;
  }
  async paused() {
    return this.pausedReason;
  }
  async setPaused(reason: PauseReason | null) {
    this.pausedReason = reason;
  }
  async recordReplay(stats: ReplayStats) {
    this.replays.push(stats);
  }
}
