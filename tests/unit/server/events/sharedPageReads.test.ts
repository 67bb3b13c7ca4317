import { describe, expect, it } from 'vitest';
import { ChangeFeed } from 'holdfast/internal/server';
import { SharedPageReads } from 'holdfast/internal/server';

/** A read the test finishes by hand: what it "saw" is the list of changes committed when it began. */
function controlledStore() {
  const committed: string[] = [];
  const pending: (() => void)[] = [];
  let loads = 0;
  const load = () => {
    loads++;
    const seen = [...committed];
    return new Promise<string[]>((resolve) => pending.push(() => resolve(seen)));
  };
  return {
    committed,
    load,
    finishAll: () =>
      pending.splice(0).forEach((finish) => {
        finish();
      }),
    loads: () => loads,
  };
}

describe('streams sharing page reads', () => {
  it('streams woken by the same notice share one read', async () => {
    const feed = new ChangeFeed({ pollIntervalMs: 0 });
    const reads = new SharedPageReads<string[]>();
    const store = controlledStore();
    const answers: Promise<string[]>[] = [];
    for (let stream = 0; stream < 100; stream++) feed.subscribe('t', () => answers.push(reads.read('t:0', feed.generation('t'), store.load)));
    store.committed.push('change 1');
    feed.notify('t');
    store.finishAll();
    expect(await Promise.all(answers)).toEqual(Array(100).fill(['change 1']));
    expect(store.loads()).toBe(1);
    expect(reads.size).toBe(0);
  });

  it('a stream woken by a newer notice never takes a read begun before that change: it reads again and sends it', async () => {
    const feed = new ChangeFeed({ pollIntervalMs: 0 });
    const reads = new SharedPageReads<string[]>();
    const store = controlledStore();
    // Stream B, woken by notice 1 (a late echo, say), starts a read at the cursor both streams are at.
    feed.notify('t');
    const readByB = reads.read('t:5', feed.generation('t'), store.load);
    // Change 2 commits and is announced; stream A (idle, same cursor) wakes and reads.
    store.committed.push('change 2');
    feed.notify('t');
    const readByA = reads.read('t:5', feed.generation('t'), store.load);
    store.finishAll();
    expect(await readByB).toEqual([]);
    // Sharing B's read would have left A without change 2, with no notice left to wake it.
    expect(await readByA).toEqual(['change 2']);
    expect(store.loads()).toBe(2);
  });
});
