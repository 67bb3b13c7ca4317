import { describe, expect, it } from 'vitest';
import { DeltaSync, pushedPage } from 'holdfast/internal';

type Page = { cursor: string; hasMore: boolean; items: number[] };

/** A local store whose cursor only moves forward, as IndexedDB's does (applyPage keeps the newer). */
function localStore(start: string) {
  const held = new Set<number>();
  let cursor = start;
  const sync = new DeltaSync<Page>({
    fetchPage: async (from) => {
      const items = Array.from({ length: 10 - Number(from) }, (_, index) => Number(from) + index + 1);
      return { cursor: '10', hasMore: false, items };
    },
    applyPage: async (page) => {
      for (const item of page.items) held.add(item);
      if (BigInt(page.cursor) > BigInt(cursor)) cursor = page.cursor;
    },
    readCursor: async () => cursor,
  });
  return { sync, held, cursor: () => cursor };
}

const isPage = (value: Record<string, unknown>) => Array.isArray(value.items);

describe('pages pushed by the event stream', () => {
  it('a page following the local cursor is applied as it comes, with no pull', async () => {
    const store = localStore('5');
    expect(await store.sync.applyPushed('5', { cursor: '7', hasMore: false, items: [6, 7] })).toBe('applied');
    expect(store.cursor()).toBe('7');
    expect([...store.held]).toEqual([6, 7]);
  });

  it('a page after a gap is not applied: the stored cursor never passes a change it does not hold', async () => {
    const store = localStore('3');
    expect(await store.sync.applyPushed('5', { cursor: '7', hasMore: false, items: [6, 7] })).toBe('gap');
    expect(store.cursor()).toBe('3');
    expect(store.held.size).toBe(0);
    // The caller pulls the gap; afterwards everything is held, none twice.
    await store.sync.pull();
    expect([...store.held].sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('a page the store already passed changes nothing (another tab, or a pull, stored it first)', async () => {
    const store = localStore('9');
    expect(await store.sync.applyPushed('5', { cursor: '7', hasMore: false, items: [6, 7] })).toBe('applied');
    expect(store.cursor()).toBe('9');
    expect(store.held.size).toBe(0);
  });

  it('a page overlapping what is held (from before the local cursor) is applied, and the cursor moves to its end', async () => {
    const store = localStore('6');
    expect(await store.sync.applyPushed('5', { cursor: '8', hasMore: false, items: [6, 7, 8] })).toBe('applied');
    expect(store.cursor()).toBe('8');
  });

  it('an event that carries nothing usable is read as "pull instead"', () => {
    const page = { cursor: '7', hasMore: false, items: [6, 7] };
    expect(pushedPage<Page>(JSON.stringify({ ...page, from: '5', position: '0/1' }), isPage)).toEqual({
      from: '5',
      page: { ...page, from: '5', position: '0/1' },
    });
    for (const data of [
      undefined,
      '',
      'not json',
      '[1]',
      'null',
      JSON.stringify(page), // an older server: no `from`
      JSON.stringify({ cursor: '7', hasMore: false, from: '5', withheld: true }), // too large to carry
      JSON.stringify({ ...page, from: '-1' }),
      JSON.stringify({ ...page, from: '5', cursor: '7; drop' }),
      JSON.stringify({ ...page, from: 5 }),
      JSON.stringify({ cursor: '7', hasMore: false, from: '5', items: 'not rows' }),
      JSON.stringify({ cursor: '7', from: '5', items: [] }),
    ])
      expect(pushedPage<Page>(data, isPage), String(data)).toBeUndefined();
  });
});
