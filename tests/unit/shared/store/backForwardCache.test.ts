import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { DBSchema } from 'idb';
import { openVersionedDatabase, releaseInBackForwardCache, type BackForwardCachePage, type Migration } from 'holdfast/client';

// fake-indexeddb stands in for the browser's IndexedDB; the frozen page itself is WebKit's, and is covered
// end to end (tests/engines/backForwardCache.spec.ts).

interface Schema extends DBSchema {
  notes: { key: string; value: { id: string; text: string } };
}
const migrations: Migration<Schema>[] = [(db) => void db.createObjectStore('notes', { keyPath: 'id' })];
let counter = 0;
const freshName = () => `bfcache-${++counter}`;

function fakePage() {
  const listeners = new Map<string, (event: { persisted: boolean }) => void>();
  const page: BackForwardCachePage & { reloads: number } = {
    reloads: 0,
    addEventListener: (type, listener) => void listeners.set(type, listener),
    removeEventListener: (type) => void listeners.delete(type),
    reload: () => void page.reloads++,
  };
  const fire = (type: 'pagehide' | 'pageshow', persisted: boolean) => listeners.get(type)?.({ persisted });
  return { page, fire, listeners };
}

describe('a page going into the back/forward cache', () => {
  it('stops the app, aborts the transactions still open and closes its connections; the next page reads and writes at once', async () => {
    const name = freshName();
    const db = await openVersionedDatabase<Schema>({ name, migrations });
    await db.put('notes', { id: 'kept', text: 'committed before' });
    const stop = vi.fn();
    const { page, fire } = fakePage();
    releaseInBackForwardCache(stop, page);

    // A write under way as the page is hidden: never committed, and its caller told.
    const inFlight = db.put('notes', { id: 'cut', text: 'in flight' });
    fire('pagehide', true);
    await expect(inFlight).rejects.toThrow();
    expect(stop).toHaveBeenCalledOnce();
    // The connection is closed: this page can start nothing more on it.
    expect(() => db.transaction('notes')).toThrow();

    const next = await openVersionedDatabase<Schema>({ name, migrations });
    await next.put('notes', { id: 'after', text: 'the next page writes' });
    expect((await next.getAll('notes')).map((note) => note.id).sort()).toEqual(['after', 'kept']);
    next.close();
  });

  it('a page merely unloading, or shown fresh, is left alone; one shown again from the cache loads afresh', async () => {
    const db = await openVersionedDatabase<Schema>({ name: freshName(), migrations });
    const stop = vi.fn();
    const { page, fire, listeners } = fakePage();
    const undo = releaseInBackForwardCache(stop, page);
    fire('pagehide', false);
    fire('pageshow', false);
    expect(stop).not.toHaveBeenCalled();
    expect(page.reloads).toBe(0);
    await db.put('notes', { id: 'still', text: 'connection still open' });
    fire('pageshow', true);
    expect(page.reloads).toBe(1);
    undo();
    expect(listeners.size).toBe(0);
    db.close();
  });
});
