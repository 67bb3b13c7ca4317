import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deleteDB, type DBSchema } from 'idb';
import { openVersionedDatabase, type Migration } from 'holdfast/client';

// fake-indexeddb: IndexedDB's versionchange and blocked events, as specified, in Node. The browser's own
// behaviour across tabs is covered end to end (tests/e2e/updates.spec.ts).

interface Schema extends DBSchema {
  notes: { key: string; value: { id: string; text: string } };
  extra: { key: string; value: string };
}
const v1: Migration<Schema>[] = [(db) => void db.createObjectStore('notes', { keyPath: 'id' })];
const v2: Migration<Schema>[] = [...v1, (db) => void db.createObjectStore('extra')];
let counter = 0;
const freshName = () => `versioned-${++counter}`;

describe('a versioned database across releases', () => {
  it("a newer release's upgrade lets the open connection store what it still holds, then closes it, and keeps that data", async () => {
    const name = freshName();
    const calls: string[] = [];
    await openVersionedDatabase<Schema>({
      name,
      migrations: v1,
      onVersionChange: async (db) => {
        calls.push('version change');
        // The draft still in memory, written on the connection that is about to close.
        await db.put('notes', { id: 'draft', text: 'typed just before the upgrade' });
      },
    });
    const newer = await openVersionedDatabase<Schema>({ name, migrations: v2 });
    expect(calls).toEqual(['version change']);
    expect(newer.version).toBe(2);
    expect(await newer.get('notes', 'draft')).toEqual({ id: 'draft', text: 'typed just before the upgrade' });
    newer.close();
  });

  it('a tab that never finishes its saving does not block the upgrade past the grace time', async () => {
    const name = freshName();
    await openVersionedDatabase<Schema>({ name, migrations: v1, versionChangeGraceMs: 50, onVersionChange: () => new Promise(() => {}) });
    const started = Date.now();
    const newer = await openVersionedDatabase<Schema>({ name, migrations: v2 });
    expect(newer.version).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    newer.close();
  });

  it('an older connection that ignores version changes: the open says it is blocked, and completes once that one closes', async () => {
    const name = freshName();
    const stubborn = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('notes', { keyPath: 'id' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    let blocked = 0;
    const opening = openVersionedDatabase<Schema>({ name, migrations: v2, onBlocked: () => blocked++ });
    await expect.poll(() => blocked).toBe(1);
    stubborn.close();
    const newer = await opening;
    expect(newer.version).toBe(2);
    newer.close();
  });

  it('a deletion (sign-out wiping the data) is no newer release: the connection lets go at once, without the release callback', async () => {
    const name = freshName();
    const calls: string[] = [];
    const db = await openVersionedDatabase<Schema>({
      name,
      migrations: v1,
      versionChangeGraceMs: 10_000,
      onVersionChange: () => void calls.push('version change'),
    });
    await db.put('notes', { id: 'private', text: 'an agent note' });
    const started = Date.now();
    await deleteDB(name);
    // Well under the grace time: nothing waited for it.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(calls).toEqual([]);
    const reopened = await openVersionedDatabase<Schema>({ name, migrations: v1 });
    expect(await reopened.get('notes', 'private')).toBeUndefined();
    reopened.close();
  });
});
