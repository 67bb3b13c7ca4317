/**
 * Pulls "what changed since my cursor" from a server, page by page, into a local store. Generic: the app
 * supplies how to fetch a page and how to apply one; applying must store the page's data and its cursor in
 * one local transaction, so a crash between pages resumes where it stopped and never skips a change.
 *
 * A push channel (server-sent events) may carry pages too, each with the cursor it follows (`from`):
 * `applyPushed` applies one as it comes only when the local state already reaches `from`, so the stored
 * cursor still never passes a change it has not stored; a page further ahead (the stream started "now",
 * while a catch-up pull is still under way, or an event was missed) is left to a pull. That saves the
 * round trip a pull costs on every live change.
 *
 * Every request has a deadline (`requestTimeoutMs`): a server that answers in 20 s must not hold the
 * screen, which renders from the local store meanwhile.
 */
export type SyncPageLike = { cursor: string; hasMore: boolean };

export type DeltaSyncOptions<Page extends SyncPageLike> = {
  fetchPage: (cursor: string, signal: AbortSignal) => Promise<Page>;
  applyPage: (page: Page) => Promise<void>;
  readCursor: () => Promise<string>;
  /** Deadline for one page request; default 5 s. A function is asked at each request (a deadline that follows the network: ApiOrigins.deadlineMs). */
  requestTimeoutMs?: number | (() => number);
  /** Most pages per pull, so one pull cannot run forever; default 1,000. */
  maxPagesPerPull?: number;
  /**
   * Fetch the next page while the current one is applied (default true): a long pull then takes about the
   * longer of the two per page instead of their sum. Pages are still applied one at a time, in order. Off:
   * one request at a time, for a server that should see no more than one per client.
   */
  prefetch?: boolean;
};

export type PullResult = { pages: number; cursor: string; complete: boolean };

export class DeltaSync<Page extends SyncPageLike> {
  readonly #options: Required<DeltaSyncOptions<Page>>;
  #running: Promise<PullResult> | undefined;
  #followUp: Promise<PullResult> | undefined;

  constructor(options: DeltaSyncOptions<Page>) {
    this.#options = { requestTimeoutMs: 5000, maxPagesPerPull: 1000, prefetch: true, ...options };
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

  /**
   * A page pushed by the server, following cursor `from`. Applied at once when the local cursor is at or
   * past `from` (applying it again is harmless: `applyPage` keeps the newer of what it holds, and the stored
   * cursor only moves forward). Resolves `'gap'`, applying nothing, when the local cursor is behind `from`:
   * the caller pulls. Rejects when applying fails.
   */
  async applyPushed(from: string, page: Page): Promise<'applied' | 'gap'> {
    const cursor = await this.#options.readCursor();
    if (BigInt(from) > BigInt(cursor)) return 'gap';
    if (BigInt(page.cursor) > BigInt(cursor)) await this.#options.applyPage(page);
    return 'applied';
  }

  async #pull(): Promise<PullResult> {
    const { applyPage, readCursor, maxPagesPerPull, prefetch } = this.#options;
    let cursor = await readCursor();
    let next = this.#fetch(cursor);
    for (let pages = 1; pages <= maxPagesPerPull; pages++) {
      const page = await next.result;
      const more = page.hasMore && pages < maxPagesPerPull;
      // The next page's cursor is this page's: its request can go out before this one is stored.
      if (more && prefetch) next = this.#fetch(page.cursor);
      try {
        await applyPage(page);
      } catch (error) {
        if (more && prefetch) next.abort();
        throw error;
      }
      cursor = page.cursor;
      if (!page.hasMore) return { pages, cursor, complete: true };
      if (more && !prefetch) next = this.#fetch(cursor);
    }
    return { pages: maxPagesPerPull, cursor, complete: false };
  }

  /** One page request under its own deadline; abortable when the pull stops before using it. */
  #fetch(cursor: string): { result: Promise<Page>; abort: () => void } {
    const cancel = new AbortController();
    const { requestTimeoutMs } = this.#options;
    const signal = AbortSignal.any([cancel.signal, AbortSignal.timeout(typeof requestTimeoutMs === 'function' ? requestTimeoutMs() : requestTimeoutMs)]);
    const result = this.#options.fetchPage(cursor, signal);
    // A prefetched page's failure is reported when the pull reaches it, or never if the pull stopped first.
    result.catch(() => undefined);
    return { result, abort: () => cancel.abort() };
  }
}
