/**
 * Streams of one tenant at one cursor share one read of each page: a change fanned out to a thousand
 * streams costs one query, not a thousand.
 *
 * The catch is a read already under way when a new change is announced: it began before that change was
 * committed, and a stream woken by the announcement that took its answer would never send the change (it
 * has been told once, and will not be told again). So a read is shared only by callers of the same
 * *generation* or an older one — the count of announcements (ChangeFeed.generation) when the read began.
 * A caller woken by a newer announcement starts a read of its own, which the streams woken with it share.
 */
export class SharedPageReads<Page> {
  readonly #inflight = new Map<string, { generation: number; page: Promise<Page> }>();

  /** The page at `key`, read by `load` or shared with a read begun at `generation` or later. */
  read(key: string, generation: number, load: () => Promise<Page>): Promise<Page> {
    const current = this.#inflight.get(key);
    if (current && current.generation >= generation) return current.page;
    const page: Promise<Page> = load().finally(() => {
      if (this.#inflight.get(key)?.page === page) this.#inflight.delete(key);
    });
    this.#inflight.set(key, { generation, page });
    return page;
  }

  /** Reads under way, for tests. */
  get size(): number {
    return this.#inflight.size;
  }
}
