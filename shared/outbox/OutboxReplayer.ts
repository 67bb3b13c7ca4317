import { protocolLimits } from '../core/protocolLimits.js';
import { fullJitterDelay, type BackoffOptions } from '../policy/backoff.js';
import type { CompactionRule } from './compactPending.js';
import type { Outbox } from './Outbox.js';
import type { OutboxEntry, PauseReason } from './outboxTypes.js';
import type { BatchLimits } from './planBatch.js';
import type { BatchTransport } from './postActionBatch.js';

/** The part of the outbox the replayer uses (an in-memory one stands in for it in unit tests). */
export type ReplayQueue = Pick<Outbox, 'nextBatch' | 'settle' | 'deadLetter' | 'noteAttempt' | 'paused' | 'setPaused' | 'recordReplay'>;

export type DrainResult =
  | { status: 'drained'; sent: number }
  /** Something is held for undo; call again at `wakeAt`. */
  | { status: 'held'; sent: number; wakeAt: number }
  /** The server gave no usable answer; call again at `retryAt` (backoff, or the server's Retry-After). */
  | { status: 'backing-off'; sent: number; retryAt: number; code: string }
  | { status: 'paused'; sent: number; reason: PauseReason };

export type ReplayProgress = { sent: number; total: number };

export type OutboxReplayerOptions = {
  queue: ReplayQueue;
  transport: BatchTransport;
  compaction?: CompactionRule;
  limits?: Partial<BatchLimits>;
  /** Deadline of one batch request; default 30 s. */
  requestTimeoutMs?: number;
  /** Between failed sends: full jitter, capped. Default 1 s doubling to 60 s. */
  backoff?: BackoffOptions;
  now?: () => number;
  random?: () => number;
  onProgress?: (progress: ReplayProgress) => void;
  /** Each send that got no usable answer, e.g. to tell a reachability monitor. */
  onFailedSend?: (code: string) => void;
  /** Each send that got an answer. */
  onAnswered?: () => void;
};

/**
 * Sends the outbox to the server: one pass (`drain`) sends batch after batch until the queue is empty or
 * something stops it. It does not schedule itself; the caller (OutboxReplayLeader, or the service worker's
 * sync event) calls `drain` again when the result says so — which keeps exactly one place deciding when.
 *
 * - Batches of up to 500 actions in queue order; a target held back (undo) does not stop the others.
 * - Answers settle the queue in one transaction per batch: applied/duplicate leave, rejected/conflict move
 *   to the failed list. The server's id check makes re-sending after a lost answer harmless.
 * - A request the server refuses outright (a 4xx) is split in halves until the action at fault is alone;
 *   that one becomes a dead letter, the rest go through (a poison action never blocks the queue).
 * - No usable answer: exponential backoff with full jitter and a cap; a longer `Retry-After` wins.
 * - 401: the queue pauses (stored, so every tab and the service worker see it) until `resume`.
 */
export class OutboxReplayer {
  readonly #options: OutboxReplayerOptions;
  readonly #limits: BatchLimits;
  readonly #now: () => number;
  #failures = 0;
  /** The server's Retry-After, as an epoch ms: honoured even when reachability says to hurry. */
  #notBefore = 0;

  constructor(options: OutboxReplayerOptions) {
    this.#options = options;
    // Leave room under the body limit for the envelope and any multi-byte characters counted as one.
    this.#limits = { maxActions: protocolLimits.maxActionsPerBatch, maxBytes: Math.floor(protocolLimits.maxBodyBytes / 4), ...options.limits };
    this.#now = options.now ?? Date.now;
  }

  /**
   * Forget past failures: the server was just seen reachable, so the next send need not wait — except for
   * a Retry-After the server asked for. Answers when the next send may go.
   */
  resetBackoff(): number {
    this.#failures = 0;
    return Math.max(this.#now(), this.#notBefore);
  }

  async resume(): Promise<void> {
    await this.#options.queue.setPaused(null);
    this.#failures = 0;
  }

  async drain(): Promise<DrainResult> {
    const { queue, compaction, onProgress } = this.#options;
    const startedAt = this.#now();
    let sent = 0;
    let total = 0;
    try {
      for (;;) {
        const paused = await queue.paused();
        if (paused) return { status: 'paused', sent, reason: paused };
        const plan = await queue.nextBatch(this.#limits, compaction);
        total = Math.max(total, sent + plan.remaining);
        if (plan.batch.length === 0) {
          return plan.wakeAt === undefined ? { status: 'drained', sent } : { status: 'held', sent, wakeAt: plan.wakeAt };
        }
        const outcome = await this.#sendGroup(plan.batch, plan.contiguous);
        if (outcome.kind === 'retry') {
          this.#failures++;
          const backoff = fullJitterDelay(this.#failures - 1, this.#options.backoff ?? { initialDelayMs: 1000, maxDelayMs: 60_000 }, this.#options.random);
          this.#notBefore = this.#now() + (outcome.retryAfterMs ?? 0);
          return { status: 'backing-off', sent, retryAt: this.#now() + Math.max(backoff, outcome.retryAfterMs ?? 0), code: outcome.code };
        }
        if (outcome.kind === 'unauthorized') {
          await queue.setPaused('unauthorized');
          return { status: 'paused', sent, reason: 'unauthorized' };
        }
        this.#failures = 0;
        sent += plan.batch.length;
        onProgress?.({ sent, total });
      }
    } finally {
      if (sent > 0) {
        const durationMs = Math.max(1, this.#now() - startedAt);
        await queue.recordReplay({ actions: sent, durationMs, actionsPerSecond: Math.round((sent / durationMs) * 1000), finishedAt: this.#now() });
      }
    }
  }

  /** Sends `entries`; a refused request is halved until the refused action is found and dead-lettered. */
  async #sendGroup(entries: readonly OutboxEntry[], contiguous: boolean): Promise<{ kind: 'settled' } | { kind: 'retry'; code: string; retryAfterMs?: number } | { kind: 'unauthorized' }> {
    const { queue, transport, onFailedSend, onAnswered } = this.#options;
    const outcome = await transport(
      entries.map((entry) => entry.action),
      AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000),
    );
    switch (outcome.kind) {
      case 'answered':
        onAnswered?.();
        await queue.settle(entries, outcome.results, { contiguous });
        return { kind: 'settled' };
      case 'retry':
        onFailedSend?.(outcome.code);
        await queue.noteAttempt(entries, outcome.code, outcome.message);
        return outcome;
      case 'unauthorized':
        onAnswered?.();
        return outcome;
      case 'refused': {
        onAnswered?.();
        if (entries.length === 1) {
          await queue.deadLetter(entries[0]!, outcome.code, outcome.message);
          return { kind: 'settled' };
        }
        const middle = Math.ceil(entries.length / 2);
        const first = await this.#sendGroup(entries.slice(0, middle), contiguous);
        if (first.kind !== 'settled') return first;
        // The first half's entries are gone now, so the second half is still a run of the queue's head.
        return this.#sendGroup(entries.slice(middle), contiguous);
      }
    }
  }
}
