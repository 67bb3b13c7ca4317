import { demoNamespace } from '../client/state/localNamespace.js';

/**
 * holdfast/client's `outboxDatabasePrefix`, written out: importing it here would put the outbox's module in
 * a chunk of its own, shared by this demo code and the workspace, and one more request for every agent
 * (the page loader then fetched it beside the workspace's chunk). tests/unit checks they agree.
 */
export const outboxPrefix = 'holdfast-outbox';

/**
 * Actions of real agents not yet on the server (pending, or waiting for the agent's attention), in every
 * real outbox of this browser: what the demo must never put at risk, so it does not start while there are
 * any. Raw IndexedDB (no idb in the demo's chunk): only outboxes that exist are opened (opening a name
 * would create one), counted and closed. An outbox that cannot be read counts as holding one: unknown is
 * not safe.
 */
export async function realUnsentActions(): Promise<number> {
  const demoOutbox = `${outboxPrefix}:${demoNamespace}:`;
  const names = ((await indexedDB.databases?.()) ?? [])
    .map((database) => database.name ?? '')
    .filter((name) => name.startsWith(`${outboxPrefix}:`) && !name.startsWith(demoOutbox));
  const counts = await Promise.all(names.map(countUnsent));
  return counts.reduce((sum, count) => sum + count, 0);
}

function countUnsent(name: string): Promise<number> {
  return new Promise((resolve) => {
    const open = indexedDB.open(name);
    open.onerror = () => resolve(1);
    open.onsuccess = () => {
      const db = open.result;
      const stores = ['pending', 'failed'].filter((store) => db.objectStoreNames.contains(store));
      if (stores.length === 0) {
        db.close();
        return resolve(0);
      }
      const tx = db.transaction(stores, 'readonly');
      const requests = stores.map((store) => tx.objectStore(store).count());
      tx.oncomplete = () => {
        db.close();
        resolve(requests.reduce((sum, request) => sum + request.result, 0));
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        resolve(1);
      };
    };
  });
}
