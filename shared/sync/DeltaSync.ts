/**
 * Pulls "what changed since my cursor" from a server, page by page, into a local store. Generic: the app
 * supplies how to fetch a page and how to apply one; applying must store the page's data and its cursor in
 * one local transaction, so a crash between pages resumes where it stopped and never skips a change. Only
 * these contiguous pages may move the stored cursor: a push channel (server-sent events) should prompt a
 * pull, not write a cursor of its own, which may run ahead of a pull still under way.
 *
 * Every request has a deadline (`requestTimeoutMs`): a server that answers in 20 s must not hold the
 * screen, which renders from the local store meanwhile.
 */
export type SyncPageLike = { cursor: string; hasMore: boolean };

export type DeltaSyncOptions<Page extends SyncPageLike> = {
  fetchPage: (cursor: string, signal: AbortSignal) => Promise<Page>;
  applyPage: (page: Page) => Promise<void>;
  readCursor: () => Promise<string>;
  /** Deadline for one page request; default 5 s. */
  requestTimeoutMs?: number;
  /** Most pages per pull, so one pull cannot run forever; default 1,000. */
  maxPagesPerPull?: number;
};

export type PullResult = { pages: number; cursor: string; complete: boolean };

export class DeltaSync<Page extends SyncPageLike> {
  readonly #options: Required<DeltaSyncOptions<Page>>;
  #running: Promise<PullResult> | undefined;
  #followUp: Promise<PullResult> | undefined;

  constructor(options: DeltaSyncOptions<Page>) {
    this.#options = { requestTimeoutMs: 5000, maxPagesPerPull: 1000, ...options };
  }

  /**
   * Pulls until the server has nothing more; rejects on a failed request. A call made while a pull runs
   * gets one follow-up pull, started after it (shared by every such call): the running pull may already
   * have passed the change that prompted the call.
   */
  pull(): Promise<PullResult> {
    if (!this.#running) {
      this.#running = this.#pull().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    this.#followUp ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#followUp = undefined;
        return this.pull();
      });
    return this.#followUp;
  }

  async #pull(): Promise<PullResult> {
    const { fetchPage, applyPage, readCursor, requestTimeoutMs, maxPagesPerPull } = this.#options;
    let cursor = await readCursor();
    for (let pages = 1; pages <= maxPagesPerPull; pages++) {
      const page = await fetchPage(cursor, AbortSignal.timeout(requestTimeoutMs));
      await applyPage(page);
      cursor = page.cursor;
      if (!page.hasMore) return { pages, cursor, complete: true };
    }
    return { pages: maxPagesPerPull, cursor, complete: false };
  }
}
