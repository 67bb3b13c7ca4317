import { describe, expect, it } from 'vitest';
import { LocalDataMarker, type MarkerStorage } from 'holdfast/client';

function memoryStorage(): MarkerStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
}

describe('the local-data marker (eviction said out loud)', () => {
  it('a device that held synced data, found empty with the marker still there: the loss, with the unsent work that went with it', () => {
    const storage = memoryStorage();
    const visit = new LocalDataMarker('m', storage);
    expect(visit.check(undefined, 0)).toBeNull(); // a new device: nothing marked, nothing lost
    visit.noteSynced('40', new Date('2026-12-01T09:00:00Z'));
    visit.noteUnsent(3);
    // The browser deletes the databases; the session and the marker live on.
    const next = new LocalDataMarker('m', storage);
    expect(next.check(undefined, 0)).toEqual({ kind: 'gone', since: '2026-12-01T09:00:00.000Z', lostUnsent: 3 });
    // Said once: the marker is cleared, and the fresh sync marks the device anew.
    expect(storage.items.has('m')).toBe(false);
    next.noteSynced('45', new Date('2026-12-03T10:00:00Z'));
    expect(new LocalDataMarker('m', storage).check('45', 0)).toBeNull();
  });

  it('only what is no longer in the outbox counts as lost; a device still holding its data reports nothing', () => {
    const storage = memoryStorage();
    const visit = new LocalDataMarker('m', storage);
    visit.noteSynced('7');
    visit.noteUnsent(5);
    expect(new LocalDataMarker('m', storage).check('7', 5)).toBeNull();
    expect(new LocalDataMarker('m', storage).check(undefined, 2)).toMatchObject({ lostUnsent: 3 });
  });

  it('the marker found at start is what counts, whatever this page writes before checking', () => {
    const storage = memoryStorage();
    new LocalDataMarker('m', storage).noteSynced('3');
    new LocalDataMarker('m', storage).noteUnsent(2);
    const page = new LocalDataMarker('m', storage);
    page.noteUnsent(0); // the empty outbox of an evicted device, seen before the database is read
    expect(page.check(undefined, 0)).toMatchObject({ lostUnsent: 2 });
  });

  it('a database older than the marker (its cursor behind the newest one seen) is a loss too; as new or newer is none', () => {
    const storage = memoryStorage();
    const visit = new LocalDataMarker('m', storage);
    visit.noteSynced('90');
    visit.noteSynced('1000'); // compared as positions: '1000' is after '90'
    visit.noteSynced('95'); // another tab's older page never moves the mark back
    visit.noteUnsent(1);
    expect(new LocalDataMarker('m', storage).check('1000', 1)).toBeNull();
    expect(new LocalDataMarker('m', storage).check('1200', 1)).toBeNull();
    // The browser put back an older copy (cursor 90): a loss, the marker cleared so it is said once.
    expect(new LocalDataMarker('m', storage).check('90', 0)).toMatchObject({ kind: 'older', lostUnsent: 1 });
    expect(storage.items.has('m')).toBe(false);
  });

  it('a marker written before cursors were kept still reports a database gone, and no "older" it cannot know', () => {
    const storage = memoryStorage();
    storage.items.set('m', JSON.stringify({ since: '2026-11-30T08:00:00.000Z', unsent: 0 }));
    expect(new LocalDataMarker('m', storage).check('3', 0)).toBeNull();
    expect(new LocalDataMarker('m', storage).check(undefined, 0)).toMatchObject({ kind: 'gone' });
  });

  it('unreadable or refused storage: no false alarm, and nothing thrown', () => {
    const storage = memoryStorage();
    storage.items.set('m', '{not json');
    expect(new LocalDataMarker('m', storage).check(undefined, 0)).toBeNull();
    const refusing: MarkerStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const marker = new LocalDataMarker('m', refusing);
    expect(() => marker.noteSynced('1')).not.toThrow();
    expect(marker.check(undefined, 0)).toBeNull();
  });
});
