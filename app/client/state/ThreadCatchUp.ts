import { fullJitterDelay, type BackoffOptions } from 'holdfast/core';

/**
 * Keeps the conversation on screen whole: while the device holds fewer of its messages than the server
 * says it has (the inbox row's count, from the inbox view, a sync page or an event), the conversation is
 * fetched again, with jittered backoff, until it is. A fetch that failed or missed its deadline is tried
 * again, not noted and forgotten; a reconnect (the network back, the event stream connected again) starts
 * over at once. Meanwhile the screen says how much of the thread is here (`onChange`).
 *
 * Why: a new device's first sync brings the oldest changes first, so on a slow server a thread opened
 * early showed an old state for minutes, while its inbox row already showed the newest reply.
 *
 * Timers, randomness and the fetch come in as options, so fake timers drive it (tests/unit/app/client/state).
 */
export type ThreadCatchUpOptions = {
  /** Fetches the conversation and stores it; rejects when it could not (no answer, an error, the deadline). `attempt`: 0 first. */
  fetch: (id: string, attempt: number) => Promise<void>;
  /**
   * How many of the conversation's messages the device holds, and how many the server says it has
   * (undefined: not known yet); null while the device has not read its own copy yet (nothing to judge).
   */
  held: (id: string) => { held: number; total: number | undefined } | null;
  /** The thread's state changed: the screen's "N of M, more arriving". */
  onChange?: (state: ThreadState | null) => void;
  backoff?: BackoffOptions;
  setTimeout?: (run: () => void, ms: number) => unknown;
  clearTimeout?: (timer: unknown) => void;
  random?: () => number;
};

/** The open conversation's thread: how much is here, and whether a fetch runs or waits. */
export type ThreadState = { id: string; held: number; total: number | undefined; whole: boolean; fetching: boolean };

/**
 * Retries wait at most 2.5 s (full jitter): the thread on screen shows within 5 s of the server answering
 * normally again, whichever moment that is. Cheap for the server: one fetch at a time per agent, each under
 * a deadline that grows to 4× the read deadline, so a slow server sees about one per deadline, and an
 * erroring one one per ~1.5 s from each agent with an incomplete thread open.
 */
const threadCatchUpDefaults: BackoffOptions = { initialDelayMs: 1000, maxDelayMs: 2500 };

export class ThreadCatchUp {
  readonly #options: ThreadCatchUpOptions;
  readonly #backoff: BackoffOptions;
  readonly #setTimeout: (run: () => void, ms: number) => unknown;
  readonly #clearTimeout: (timer: unknown) => void;
  #id: string | null = null;
  #attempt = 0;
  #timer: unknown;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: ThreadCatchUpOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? threadCatchUpDefaults;
    this.#setTimeout = options.setTimeout ?? ((run, ms) => setTimeout(run, ms));
    this.#clearTimeout = options.clearTimeout ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  /** The conversation on screen (null: none). A new one starts with no backoff. */
  follow(id: string | null): void {
    if (id === this.#id) return void this.check();
    this.#id = id;
    this.#reset();
    this.check();
  }

  /**
   * What the device holds may have changed (a page stored, a fetch answered): fetch now if the thread is
   * not whole and nothing runs or waits. A backoff under way is kept (a first sync stores a page every few
   * hundred milliseconds; each must not cost the slow server another fetch).
   */
  check(): void {
    const id = this.#id;
    if (!id || this.#stopped) return;
    const state = this.#state(id);
    this.#options.onChange?.(state);
    if (!state || state.whole) {
      this.#reset();
      return;
    }
    if (this.#running || this.#timer !== undefined) return;
    void this.#run(id);
  }

  /** The network or the event stream is back: whatever waited is fetched now. */
  reconnected(): void {
    this.#reset();
    this.check();
  }

  stop(): void {
    this.#stopped = true;
    this.#reset();
  }

  #state(id: string): ThreadState | null {
    const counts = this.#options.held(id);
    if (!counts) return null;
    return {
      id,
      held: counts.held,
      total: counts.total,
      whole: counts.total !== undefined && counts.held >= counts.total,
      fetching: this.#running !== undefined,
    };
  }

  #reset(): void {
    this.#attempt = 0;
    if (this.#timer !== undefined) this.#clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #run(id: string): Promise<void> {
    const attempt = this.#attempt++;
    const running = this.#options.fetch(id, attempt).catch(() => undefined);
    this.#running = running;
    this.#options.onChange?.(this.#state(id));
    await running;
    this.#running = undefined;
    if (this.#stopped) return;
    // Another conversation was opened meanwhile: its turn.
    if (this.#id !== id) return this.check();
    const state = this.#state(id);
    this.#options.onChange?.(state);
    if (!state || state.whole) {
      this.#reset();
      return;
    }
    // Not whole yet: the fetch failed, or answered a thread older than the inbox row. Again, after a wait.
    this.#timer = this.#setTimeout(
      () => {
        this.#timer = undefined;
        this.check();
      },
      fullJitterDelay(attempt, this.#backoff, this.#options.random),
    );
  }
}
