import { describe, expect, it, vi } from 'vitest';
import { DeltaSync } from 'holdfast/internal';

type Page = { cursor: string; hasMore: boolean; items: number[] };

function server(total: number, pageSize: number) {
  return async (cursor: string): Promise<Page> => {
    const from = Number(cursor);
    const items = Array.from({ length: Math.min(pageSize, total - from) }, (_, index) => from + index + 1);
    const next = from + items.length;
    return { cursor: String(next), hasMore: next < total, items };
  };
}

describe('delta sync', () => {
  it('pulls page after page from the stored cursor until the server has nothing more', async () => {
    let stored = '3';
    const applied: number[] = [];
    const sync = new DeltaSync<Page>({
      fetchPage: server(10, 3),
      applyPage: async (page) => {
        applied.push(...page.items);
        stored = page.cursor;
      },
      readCursor: async () => stored,
    });
    expect(await sync.pull()).toEqual({ pages: 3, cursor: '10', complete: true });
    expect(applied).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('callers during a pull share one follow-up pull, not one each', async () => {
    const fetchPage = vi.fn(server(5, 10));
    const sync = new DeltaSync<Page>({ fetchPage, applyPage: async () => {}, readCursor: async () => '0' });
    await Promise.all([sync.pull(), sync.pull(), sync.pull(), sync.pull()]);
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });

  it('a change committed while a pull runs is fetched by the follow-up pull', async () => {
    let total = 5;
    let stored = '0';
    const applied: number[] = [];
    let releaseFirst!: () => void;
    const firstPageHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const sync = new DeltaSync<Page>({
      fetchPage: async (cursor) => {
        const page = await server(total, 10)(cursor);
        if (cursor === '0') await firstPageHeld;
        return page;
      },
      applyPage: async (page) => {
        applied.push(...page.items);
        stored = page.cursor;
      },
      readCursor: async () => stored,
    });
    const first = sync.pull();
    total = 7; // committed after the running pull read its page: the event for it asks for another pull
    const second = sync.pull();
    releaseFirst();
    await Promise.all([first, second]);
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stored).toBe('7');
  });

  it('gives every request a deadline, and a failed page leaves the cursor where it was', async () => {
    let stored = '0';
    const sync = new DeltaSync<Page>({
      fetchPage: (cursor, signal) =>
        cursor === '0' ? server(10, 5)(cursor) : new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      applyPage: async (page) => {
        stored = page.cursor;
      },
      readCursor: async () => stored,
      requestTimeoutMs: 50,
    });
    await expect(sync.pull()).rejects.toThrow();
    expect(stored).toBe('5');
  });

  it('fetches the next page while one is applied, and still applies them one at a time, in order', async () => {
    let stored = '0';
    const log: string[] = [];
    let applying = 0;
    const sync = new DeltaSync<Page>({
      fetchPage: async (cursor) => {
        log.push(`fetch ${cursor}`);
        return server(9, 3)(cursor);
      },
      applyPage: async (page) => {
        applying++;
        expect(applying).toBe(1);
        log.push(`apply ${page.cursor}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        stored = page.cursor;
        applying--;
      },
      readCursor: async () => stored,
    });
    expect(await sync.pull()).toEqual({ pages: 3, cursor: '9', complete: true });
    // Page 2's request went out before page 1 was stored; nothing after the last page.
    expect(log).toEqual(['fetch 0', 'fetch 3', 'apply 3', 'fetch 6', 'apply 6', 'apply 9']);
    expect(stored).toBe('9');
  });

  it('a page that fails to apply aborts the prefetched request and keeps the cursor at the last page stored', async () => {
    let stored = '0';
    const aborted: string[] = [];
    const sync = new DeltaSync<Page>({
      fetchPage: (cursor, signal) => {
        signal.addEventListener('abort', () => aborted.push(cursor));
        return server(9, 3)(cursor);
      },
      applyPage: async (page) => {
        if (page.cursor === '6') throw new Error('quota exceeded');
        stored = page.cursor;
      },
      readCursor: async () => stored,
    });
    await expect(sync.pull()).rejects.toThrow('quota exceeded');
    expect(stored).toBe('3');
    expect(aborted).toEqual(['6']);
  });

  it('a prefetched page that fails fails the pull when it is reached, after the page before it is stored', async () => {
    let stored = '0';
    const sync = new DeltaSync<Page>({
      fetchPage: async (cursor) => {
        if (cursor === '3') throw new Error('502');
        return server(9, 3)(cursor);
      },
      applyPage: async (page) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        stored = page.cursor;
      },
      readCursor: async () => stored,
    });
    await expect(sync.pull()).rejects.toThrow('502');
    expect(stored).toBe('3');
  });

  it('with prefetch off, one request at a time: the next goes out after the page is stored', async () => {
    let stored = '0';
    const log: string[] = [];
    const sync = new DeltaSync<Page>({
      fetchPage: async (cursor) => {
        log.push(`fetch ${cursor}`);
        return server(9, 3)(cursor);
      },
      applyPage: async (page) => {
        log.push(`apply ${page.cursor}`);
        stored = page.cursor;
      },
      readCursor: async () => stored,
      prefetch: false,
    });
    await sync.pull();
    expect(log).toEqual(['fetch 0', 'apply 3', 'fetch 3', 'apply 6', 'fetch 6', 'apply 9']);
  });

  it('stops at maxPagesPerPull without asking for a page it will not apply', async () => {
    const fetchPage = vi.fn(server(100, 10));
    const sync = new DeltaSync<Page>({ fetchPage, applyPage: async () => {}, readCursor: async () => '0', maxPagesPerPull: 2 });
    expect(await sync.pull()).toEqual({ pages: 2, cursor: '20', complete: false });
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});
