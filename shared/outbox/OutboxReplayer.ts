import { protocolLimits } from '../core/protocolLimits.js';
import { isGatewayError } from '../http/gatewayError.js';
import { fullJitterDelay, type BackoffOptions } from '../policy/backoff.js';
import type { CompactionRule } from './compactPending.js';
import type { Outbox } from './Outbox.js';
import type { OutboxEntry, PauseReason } from './outboxTypes.js';
import type { BatchLimits } from './planBatch.js';
import type { BatchOutcome, BatchTransport } from './postActionBatch.js';

/** The part of the outbox the replayer uses (an in-memory one stands in for it in unit tests). */
export type ReplayQueue = Pick<Outbox, 'nextBatch' | 'settle' | 'deadLetter' | 'noteAttempt' | 'noteIsolatedFailure' | 'paused' | 'setPaused' | 'recordReplay'>;

/** How the replayer tells one action the server cannot apply from a server that is down. */
export type PoisonOptions = {
  /** Consecutive 5xx answers for the head of the queue before it is split in search of one action; default 2. */
  bisectAfter?: number;
  /**
   * Times an action alone must get a 5xx, each time while the server applied other actions (or its
   * readiness probe answered), before it goes to the failed list; default 3.
   */
  maxIsolatedFailures?: number;
};

/** The failed-list code of an action the server kept failing on while it applied others. */
export const serverCouldNotApplyCode = 'server-could-not-apply';

export type DrainResult =
  | { status: 'drained'; sent: number }
  /** Something is held for undo; call again at `wakeAt`. */
  | { status: 'held'; sent: number; wakeAt: number }
  /** The server gave no usable answer; call again at `retryAt` (backoff, or the server's Retry-After). */
  | { status: 'backing-off'; sent: number; retryAt: number; code: string }
  | { status: 'paused'; sent: number; reason: PauseReason }
  /** Stopped between batches (`signal`): another context took over the replay, and sends the rest. */
  | { status: 'stopped'; sent: number };

export type ReplayProgress = { sent: number; total: number };

export type OutboxReplayerOptions = {
  queue: ReplayQueue;
  transport: BatchTransport;
  compaction?: CompactionRule;
  limits?: Partial<BatchLimits>;
  /** Deadline of one batch request; default 30 s. */
  requestTimeoutMs?: number;
  /**
   * A batch still unanswered after `afterMs` (default 2 s) asks the readiness `probe` every `afterMs`; when
   * the probe answers within `fastMs` (default 1 s), the server is well and the batch is stuck on the way
   * (sent into an outage that has since healed): it is given up and sent again at once, which the
   * server's id check makes harmless. Once per batch: a resend that is slow too is waited for (a server
   * whose writes are slow while its probe is fast is not helped by sending again and again).
   */
  hedge?: { afterMs?: number; fastMs?: number };
  /** Between failed sends: full jitter, capped. Default 1 s doubling to 60 s. */
  backoff?: BackoffOptions;
  now?: () => number;
  random?: () => number;
  onProgress?: (progress: ReplayProgress) => void;
  /** Each send that got no usable answer, e.g. to tell a reachability monitor. */
  onFailedSend?: (code: string) => void;
  /** Each send that got an answer. */
  onAnswered?: () => void;
  /** A send still unanswered after `hedge.afterMs` while the probe is not fast either: the server is slow. */
  onSlowSend?: () => void;
  poison?: PoisonOptions;
  /**
   * Whether the server is up and can reach its database (e.g. `GET /readyz` answering 200). Asked only
   * when an action alone keeps getting 5xx and no other queued action could show that the server works;
   * without it, such an action is retried with backoff and never dead-lettered.
   */
  probe?: (signal: AbortSignal) => Promise<boolean>;
};

type RetryOutcome = Extract<BatchOutcome, { kind: 'retry' }>;
type GroupOutcome = { kind: 'settled' } | RetryOutcome | { kind: 'unauthorized' };

/**
 * A 5xx with no Retry-After: the server answered but failed. 503 and Retry-After mean "later", not "this
 * action"; a gateway's 502 or 504 means the server was never reached (gatewayError.ts).
 */
const isServerError = (outcome: RetryOutcome) =>
  outcome.status !== undefined && outcome.status >= 500 && outcome.status !== 503 && !isGatewayError(outcome.status) && outcome.retryAfterMs === undefined;

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
 * - A poison action the server cannot apply (it answers 500 for any request holding it) never jams the
 *   queue. After `bisectAfter` such answers in a row, the batch is halved, left half first, until the
 *   failing action is alone; it is then sent alone, and the rest of the batch that does not depend on it
 *   (other targets) is sent without it as a control. Only when the control is applied (or, with nothing to
 *   send as a control, the readiness `probe` answers) does the failure count against that one action; after
 *   `maxIsolatedFailures` it goes to the failed list ("the server could not apply this"), with Retry and
 *   Discard, and its target's later actions go on. In a real outage the control fails too, so nothing is
 *   ever dead-lettered for it. The count is stored on the entry, so tabs and the service worker share it.
 * - 401: the queue pauses (stored, so every tab and the service worker see it) until the user signs in
 *   again (OutboxClient.start clears it).
 * - A batch still unanswered while the probe answers fast (sent into an outage that has healed) is given
 *   up and sent again at once, once (`hedge`).
 */
export class OutboxReplayer {
  readonly #options: OutboxReplayerOptions;
  readonly #limits: BatchLimits;
  readonly #now: () => number;
  #failures = 0;
  /** 5xx answers in a row for the head of the queue. */
  #serverErrors = 0;
  /** The server's Retry-After, as an epoch ms: honoured even when reachability says to hurry. */
  #notBefore = 0;
  /** The send under way was given up for a fresh one (`hedge`): not a failure. */
  #superseded = false;
  /** A send was given up since the last answer: the next is waited for whatever it takes. */
  #hedged = false;
  /** The pass under way: passes run one at a time, since they share this replayer's counts. */
  #pass: Promise<unknown> = Promise.resolve();

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

  /**
   * Sends what may go, batch after batch, until the queue is empty or a send fails. One pass at a time: a
   * call during a pass runs after it. `signal`: stop between batches (another context leads now).
   */
  drain(signal?: AbortSignal): Promise<DrainResult> {
    const pass = this.#pass.catch(() => undefined).then(() => this.#drain(signal));
    this.#pass = pass;
    return pass;
  }

  async #drain(signal: AbortSignal | undefined): Promise<DrainResult> {
    const { queue, compaction, onProgress } = this.#options;
    const startedAt = this.#now();
    let sent = 0;
    let total = 0;
    try {
      for (;;) {
        if (signal?.aborted) return { status: 'stopped', sent };
        const paused = await queue.paused();
        if (paused) return { status: 'paused', sent, reason: paused };
        const plan = await queue.nextBatch(this.#limits, compaction);
        total = Math.max(total, sent + plan.remaining);
        if (plan.batch.length === 0) {
          return plan.wakeAt === undefined ? { status: 'drained', sent } : { status: 'held', sent, wakeAt: plan.wakeAt };
        }
        const suspect = plan.batch.find((entry) => (entry.serverErrors ?? 0) > 0);
        const outcome = suspect
          ? await this.#isolate(
              suspect,
              plan.batch.filter((entry) => entry !== suspect),
            )
          : await this.#sendGroup(plan.batch, plan.contiguous, 'normal', plan.batch);
        if (outcome.kind === 'retry' && this.#superseded) {
          // Given up for a fresh send (`hedge`): the server is well, so again at once, no backoff.
          this.#superseded = false;
          continue;
        }
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

  /**
   * Sends `entries`. A refused request (4xx) is halved until the refused action is alone, which becomes a
   * dead letter. Repeated 5xx answers are halved the same way, looking for a poison action (`#isolate`).
   * `mode`: `bisecting` inside a 5xx search; `control` for the control request, which never searches.
   * `context`: the batch the entries came from, for the control request.
   */
  async #sendGroup(
    entries: readonly OutboxEntry[],
    contiguous: boolean,
    mode: 'normal' | 'bisecting' | 'control',
    context: readonly OutboxEntry[],
  ): Promise<GroupOutcome> {
    const { queue, transport, onFailedSend, onAnswered } = this.#options;
    const giveUp = new AbortController();
    const sending = transport(
      entries.map((entry) => entry.action),
      AbortSignal.any([giveUp.signal, AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000)]),
    );
    const outcome = await this.#withHedge(sending, giveUp);
    if (outcome.kind === 'retry' && this.#superseded) return outcome;
    if (outcome.kind !== 'retry') this.#hedged = false;
    switch (outcome.kind) {
      case 'answered':
        onAnswered?.();
        if (mode === 'normal') this.#serverErrors = 0;
        await queue.settle(entries, outcome.results, { contiguous });
        return { kind: 'settled' };
      case 'retry': {
        onFailedSend?.(outcome.code);
        await queue.noteAttempt(entries, outcome.code, outcome.message);
        if (mode === 'control' || !isServerError(outcome)) return outcome;
        if (mode === 'normal' && ++this.#serverErrors < (this.#options.poison?.bisectAfter ?? 2)) return outcome;
        if (entries.length === 1) {
          const after = context.slice(context.indexOf(entries[0]!) + 1);
          return this.#isolate(entries[0]!, after, outcome);
        }
        return this.#halves(entries, contiguous, 'bisecting', context);
      }
      case 'unauthorized':
        onAnswered?.();
        return outcome;
      case 'refused': {
        onAnswered?.();
        if (entries.length === 1) {
          await queue.deadLetter(entries[0]!, outcome.code, outcome.message);
          return { kind: 'settled' };
        }
        return this.#halves(entries, contiguous, mode, context);
      }
    }
  }

  /**
   * Waits for `sending`; meanwhile, once per batch, asks the probe every `hedge.afterMs` whether the server
   * answers fast, and if it does, gives the send up (`giveUp`) so the caller sends again at once.
   */
  async #withHedge(sending: Promise<BatchOutcome>, giveUp: AbortController): Promise<BatchOutcome> {
    const { probe, hedge } = this.#options;
    if (!probe || this.#hedged) return sending;
    const afterMs = hedge?.afterMs ?? 2000;
    const fastMs = hedge?.fastMs ?? 1000;
    let settled = false;
    // Not waited for: once the send settles, a probe still under way finds `settled` and does nothing.
    void (async () => {
      while (!settled) {
        await Promise.race([sending, new Promise((resolve) => setTimeout(resolve, afterMs))]);
        if (settled) return;
        const fast = await probe(AbortSignal.timeout(fastMs)).catch(() => false);
        if (settled) return;
        if (!fast) {
          this.#options.onSlowSend?.();
          continue;
        }
        this.#superseded = true;
        this.#hedged = true;
        giveUp.abort();
        return;
      }
    })();
    try {
      return await sending;
    } finally {
      settled = true;
    }
  }

  async #halves(
    entries: readonly OutboxEntry[],
    contiguous: boolean,
    mode: 'normal' | 'bisecting' | 'control',
    context: readonly OutboxEntry[],
  ): Promise<GroupOutcome> {
    const middle = Math.ceil(entries.length / 2);
    const first = await this.#sendGroup(entries.slice(0, middle), contiguous, mode, context);
    if (first.kind !== 'settled') return first;
    // The first half's entries are gone now, so the second half is still a run of the queue's head.
    return this.#sendGroup(entries.slice(middle), contiguous, mode, context);
  }

  /**
   * `suspect` got a 5xx alone (`failed`), or did before (it carries a count): send it alone unless it just
   * failed, then a control — `unsent` less its target and what depends on it — to learn whether the server
   * works. Only then does the failure count against the suspect.
   */
  async #isolate(suspect: OutboxEntry, unsent: readonly OutboxEntry[], failed?: RetryOutcome): Promise<GroupOutcome> {
    const { queue, probe, poison } = this.#options;
    if (!failed) {
      const alone = await this.#sendGroup([suspect], false, 'control', [suspect]);
      // Applied after all, or refused outright (a dead letter now), or not a 5xx (unreachable, timeout,
      // 503): no evidence against the action.
      if (alone.kind !== 'retry' || !isServerError(alone)) return alone;
      failed = alone;
    }
    const control = independentOf(suspect, unsent);
    let serverWorks: boolean;
    if (control.length > 0) {
      const answer = await this.#sendGroup(control, false, 'control', control);
      if (answer.kind === 'unauthorized') return answer;
      serverWorks = answer.kind === 'settled';
    } else {
      serverWorks = probe ? await probe(AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000)).catch(() => false) : false;
    }
    if (!serverWorks) {
      // Everything fails: an outage, not this action. Start the search afresh after the backoff.
      this.#serverErrors = 0;
      return failed;
    }
    const count = await queue.noteIsolatedFailure(suspect);
    if (count >= (poison?.maxIsolatedFailures ?? 3)) {
      await queue.deadLetter(
        suspect,
        serverCouldNotApplyCode,
        `The server could not apply this action: it failed ${count} times while the server applied others (${failed.code}).`,
      );
      this.#serverErrors = 0;
      return { kind: 'settled' };
    }
    return failed;
  }
}

/**
 * Of `entries` (in queue order), those that may be sent without `suspect`: not of its target, and not
 * depending on an entry left out — nor behind one on their own target, so per-target order holds.
 */
function independentOf(suspect: OutboxEntry, entries: readonly OutboxEntry[]): OutboxEntry[] {
  const leftOut = new Set([suspect.action.id]);
  const blockedTargets = new Set([suspect.action.targetId]);
  const independent: OutboxEntry[] = [];
  for (const entry of entries) {
    if (blockedTargets.has(entry.action.targetId) || (entry.dependsOn ?? []).some((id) => leftOut.has(id))) {
      leftOut.add(entry.action.id);
      blockedTargets.add(entry.action.targetId);
      continue;
    }
    independent.push(entry);
  }
  return independent;
}
