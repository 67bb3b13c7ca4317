import type { ActionEnvelope, ActionResult } from '../core/protocol.js';
import { compactPending, type CompactionRule } from './compactPending.js';
import type { OutboxDatabase } from './outboxDatabase.js';
import { appliedActions, type OutboxChange } from './outboxChange.js';
import { isHeld, type FailedAction, type OutboxEntry, type OutboxHealth, type PauseReason, type ReplayStats } from './outboxTypes.js';
import { planBatch, type BatchLimits, type BatchPlan } from './planBatch.js';

export type EnqueueOptions = {
  /** Hold the action this long before it may be sent, so it can still be taken back (undo). */
  holdMs?: number;
  dependsOn?: string[];
};

export type OutboxOptions = {
  db: OutboxDatabase;
  /**
   * Called after every change this outbox commits, with what it did (OutboxChange): to tell other tabs
   * (BroadcastChannel), the replayer, and views of the queue, which follow it without reading it again.
   */
  onChange?: (change: OutboxChange) => void;
  now?: () => number;
  /**
   * IndexedDB durability of the outbox's writes; default 'strict': "queued" means on disk, so a power cut
   * right after it loses nothing (Chromium's default, 'relaxed', may lose the last writes). Its cost is
   * measured in bench:outbox (strict beside relaxed).
   */
  durability?: IDBTransactionDurability;
};

/**
 * The queue of actions not yet confirmed by the server, in IndexedDB (`idb`). Written before the UI shows
 * an action — `enqueue` resolves once the transaction has committed — so an action on screen survives a
 * closed tab, a crashed browser or a new service worker. Several tabs share one outbox: IndexedDB
 * serialises their writes and the key generator keeps the order of their actions.
 *
 * Hand-written: workbox-background-sync's Queue stores whole Requests (headers included, so the token
 * would be stored), sends them one at a time and deletes one on any HTTP answer, 503 included; it has
 * no batches, no per-target order and no dead letters.
 */
export class Outbox {
  #db: OutboxDatabase;
  readonly #onChange: (change: OutboxChange) => void;
  readonly #now: () => number;
  readonly #durability: IDBTransactionDurability;

  constructor(options: OutboxOptions) {
    this.#db = options.db;
    this.#durability = options.durability ?? 'strict';
    this.#onChange = options.onChange ?? (() => {});
    this.#now = options.now ?? Date.now;
  }

  /**
   * Goes on with a fresh connection to the same database, closing the one before. After a write refused
   * for want of room, Firefox refuses the connection's next transaction outright (InvalidStateError: "did
   * not allow mutations", tests/engines/quotaFull.spec.ts); a new connection is not so marked.
   */
  takeConnection(db: OutboxDatabase): void {
    const old = this.#db;
    this.#db = db;
    old.close();
  }

  /** Appends `action`; resolves when it is durably stored. An id already queued is a no-op. */
  async enqueue(action: ActionEnvelope, options: EnqueueOptions = {}): Promise<OutboxEntry> {
    const queuedAt = this.#now();
    const entry: Omit<OutboxEntry, 'seq'> = { action, queuedAt, attempts: 0 };
    if (options.holdMs) entry.holdUntil = queuedAt + options.holdMs;
    if (options.dependsOn?.length) entry.dependsOn = options.dependsOn;
    const tx = this.#db.transaction('pending', 'readwrite', { durability: this.#durability });
    const existing = await tx.store.index('byActionId').get(action.id);
    const seq = existing ? existing.seq : await tx.store.add(entry as OutboxEntry);
    await tx.done;
    const queued = existing ?? { ...entry, seq };
    if (!existing) this.#onChange({ kind: 'enqueued', entry: queued });
    return queued;
  }

  /** Takes back an action still inside its undo window; false when it may already be on its way. */
  async cancel(actionId: string): Promise<boolean> {
    const tx = this.#db.transaction('pending', 'readwrite', { durability: this.#durability });
    const entry = await tx.store.index('byActionId').get(actionId);
    const cancellable = !!entry && isHeld(entry, this.#now());
    if (cancellable) await tx.store.delete(entry.seq);
    await tx.done;
    if (cancellable) this.#onChange({ kind: 'settled', removed: [actionId], applied: [], failed: [] });
    return cancellable;
  }

  pending(): Promise<OutboxEntry[]> {
    return this.#db.getAll('pending');
  }

  async failed(): Promise<FailedAction[]> {
    const failed = await this.#db.getAll('failed');
    return failed.sort((a, b) => a.failedAt - b.failedAt);
  }

  /**
   * Puts a failed action back in the queue — as it was, or as `replacement` (e.g. re-issued against the
   * state the agent has now seen). It goes behind what is queued now.
   */
  async retry(actionId: string, replacement?: ActionEnvelope): Promise<void> {
    const tx = this.#db.transaction(['failed', 'pending'], 'readwrite', { durability: this.#durability });
    const failed = await tx.objectStore('failed').get(actionId);
    let entry: OutboxEntry | null = null;
    if (failed) {
      await tx.objectStore('failed').delete(actionId);
      const action = replacement ?? failed.action;
      const clash = await tx.objectStore('pending').index('byActionId').get(action.id);
      if (!clash) {
        const queued = { action, queuedAt: this.#now(), attempts: 0 };
        entry = { ...queued, seq: await tx.objectStore('pending').add(queued as OutboxEntry) };
      }
    }
    await tx.done;
    this.#onChange({ kind: 'retried', failedId: actionId, entry });
  }

  /** Drops a failed action for good: the agent has seen it and decided. */
  async discard(actionId: string): Promise<void> {
    await this.#db.delete('failed', actionId);
    this.#onChange({ kind: 'discarded', failedId: actionId });
  }

  async paused(): Promise<PauseReason | null> {
    return ((await this.#db.get('meta', 'paused')) as PauseReason | undefined) ?? null;
  }

  async setPaused(reason: PauseReason | null): Promise<void> {
    if (reason) await this.#db.put('meta', reason, 'paused');
    else await this.#db.delete('meta', 'paused');
    this.#onChange({ kind: 'paused', reason });
  }

  async health(): Promise<OutboxHealth> {
    const tx = this.#db.transaction(['pending', 'failed', 'meta']);
    const [pending, oldest, failed, paused, lastReplay] = await Promise.all([
      tx.objectStore('pending').count(),
      tx.objectStore('pending').openCursor(),
      tx.objectStore('failed').count(),
      tx.objectStore('meta').get('paused'),
      tx.objectStore('meta').get('lastReplay'),
    ]);
    await tx.done;
    return {
      pending,
      oldestPendingAgeMs: oldest ? Math.max(0, this.#now() - oldest.value.queuedAt) : 0,
      failed,
      paused: (paused as PauseReason | undefined) ?? null,
      lastReplay: (lastReplay as ReplayStats | undefined) ?? null,
    };
  }

  // The replayer's side.

  /**
   * Deletes what `rule` makes superfluous, then plans the next batch; one transaction, so no tab races it.
   * Reads the head of the queue only (twice a batch, widened when held actions fill it): a batch never
   * needs what is queued after it, and re-reading 10,000 entries per batch of 500 would cost more than
   * sending them.
   */
  async nextBatch(limits: BatchLimits, rule?: CompactionRule): Promise<BatchPlan & { compacted: number; remaining: number; contiguous: boolean }> {
    const now = this.#now();
    const tx = this.#db.transaction('pending', 'readwrite', { durability: this.#durability });
    const total = await tx.store.count();
    let window = limits.maxActions + 100;
    let entries: OutboxEntry[];
    let dropped: OutboxEntry[];
    let plan: BatchPlan;
    let kept: OutboxEntry[];
    for (;;) {
      entries = await tx.store.getAll(null, window);
      dropped = rule ? compactPending(entries, rule, now) : [];
      const gone = new Set(dropped);
      kept = entries.filter((entry) => !gone.has(entry));
      plan = planBatch(kept, now, limits);
      if (entries.length < window || plan.batch.length >= limits.maxActions) break;
      window *= 4;
    }
    await Promise.all(dropped.map((entry) => tx.store.delete(entry.seq)));
    await tx.done;
    if (dropped.length > 0) this.#onChange({ kind: 'settled', removed: dropped.map((entry) => entry.action.id), applied: [], failed: [] });
    // The batch is the head of the queue, nothing skipped between its entries: it can be settled with
    // range deletes (any slice of it, too).
    const contiguous = plan.batch.every((entry, index) => kept[index] === entry);
    return { ...plan, compacted: dropped.length, remaining: total - dropped.length, contiguous };
  }

  /**
   * Records the server's answers: applied and duplicate actions leave the queue; rejected and conflicting
   * ones move to the failed list, with the reason, in the same transaction.
   */
  async settle(entries: readonly OutboxEntry[], results: readonly ActionResult[], options: { contiguous?: boolean } = {}): Promise<void> {
    const bySeq = new Map(entries.map((entry) => [entry.action.id, entry]));
    const now = this.#now();
    const tx = this.#db.transaction(['pending', 'failed'], 'readwrite', { durability: this.#durability });
    const writes: Promise<unknown>[] = [];
    const failedNow: FailedAction[] = [];
    const removed: string[] = [];
    const answered = new Set(results.map((result) => result.id));
    // One range delete instead of one per entry when the entries are a run of the queue's head and all
    // were answered: a third of the replay's client time at 500 per batch.
    const byRange = options.contiguous === true && entries.length > 1 && entries.every((entry) => answered.has(entry.action.id));
    if (byRange) writes.push(tx.objectStore('pending').delete(IDBKeyRange.bound(entries[0]!.seq, entries.at(-1)!.seq)));
    for (const result of results) {
      const entry = bySeq.get(result.id);
      if (!entry) continue;
      if (!byRange) writes.push(tx.objectStore('pending').delete(entry.seq));
      removed.push(entry.action.id);
      if (result.status === 'rejected' || result.status === 'conflict') {
        const failed: FailedAction = {
          action: entry.action,
          kind: result.status,
          code: result.code,
          message: result.message,
          queuedAt: entry.queuedAt,
          failedAt: now,
        };
        if (result.status === 'conflict') failed.state = result.state;
        failedNow.push(failed);
        writes.push(tx.objectStore('failed').put(failed));
      }
    }
    await Promise.all(writes);
    await tx.done;
    this.#onChange({ kind: 'settled', removed, applied: appliedActions(entries, results), failed: failedNow });
  }

  /** An action whose request the server refuses outright (a 4xx for it alone): a dead letter. */
  async deadLetter(entry: OutboxEntry, code: string, message: string): Promise<void> {
    await this.settle([entry], [{ id: entry.action.id, status: 'rejected', code, message }]);
  }

  /** A send got no usable answer: counted on each entry, for the health view and the agent. */
  async noteAttempt(entries: readonly OutboxEntry[], code: string, message: string): Promise<void> {
    const at = this.#now();
    const tx = this.#db.transaction('pending', 'readwrite', { durability: this.#durability });
    const current = await Promise.all(entries.map((entry) => tx.store.get(entry.seq)));
    await Promise.all(
      current.filter((entry) => !!entry).map((entry) => tx.store.put({ ...entry, attempts: entry.attempts + 1, lastError: { code, message, at } })),
    );
    await tx.done;
  }

  /** The server failed on this action alone while it applied others: counted on the entry; answers the count. */
  async noteIsolatedFailure(entry: OutboxEntry): Promise<number> {
    const tx = this.#db.transaction('pending', 'readwrite', { durability: this.#durability });
    const current = await tx.store.get(entry.seq);
    const count = (current?.serverErrors ?? 0) + 1;
    if (current) await tx.store.put({ ...current, serverErrors: count });
    await tx.done;
    return count;
  }

  async recordReplay(stats: ReplayStats): Promise<void> {
    await this.#db.put('meta', stats, 'lastReplay');
  }
}
