import type { Page } from '@playwright/test';
import { assetCacheName } from 'holdfast/client';
import type { EngineTab } from '../engines/EngineBrowser.js';

export type LocalData = { databases: string[]; records: unknown[]; cachedUrls: string[]; webStorage: string };

/**
 * What the browser holds for the page's origin: every IndexedDB database with its records, the URLs cached
 * outside the public code caches (app shell and build assets, the same for every agent), and Web Storage.
 * A Playwright page or another engine's tab (tests/engines): both run this function in the page.
 */
export function localData(page: Page | EngineTab): Promise<LocalData> {
  return (page as EngineTab).evaluate(async (publicAssetCache) => {
    const databases: string[] = [];
    const records: unknown[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      // Read without creating: an open queued behind a deletion under way would otherwise create the
      // database again, empty, once the deletion ends (and the reader would find what it made).
      const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve(undefined) : reject(open.error));
      });
      if (!db) continue;
      databases.push(name);
      for (const store of db.objectStoreNames) {
        records.push(
          await new Promise((resolve) => {
            const request = db.transaction(store).objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result);
          }),
        );
      }
      db.close();
    }
    const cachedUrls: string[] = [];
    for (const name of await caches.keys()) {
      if (name.startsWith('workbox-precache') || name === publicAssetCache) continue;
      for (const request of await (await caches.open(name)).keys()) cachedUrls.push(request.url);
    }
    return { databases, records, cachedUrls, webStorage: JSON.stringify(localStorage) + JSON.stringify(sessionStorage) };
  }, assetCacheName);
}

/** The workspace's databases among them. */
export const workspaceDatabases = (data: { databases: string[] }) => data.databases.filter((name) => name.startsWith('holdfast-workspace:'));
