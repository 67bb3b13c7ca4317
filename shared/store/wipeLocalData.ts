import { deleteDB } from 'idb';

export type WipeLocalDataOptions = {
  /** IndexedDB databases to delete (the user's store, their outbox). */
  databases: readonly string[];
  /** Cache Storage caches that hold the user's data. */
  isUserDataCache: (cacheName: string) => boolean;
  /** The message the app's worker wipes on (sw `wipeOnSignOut`); none: no worker to ask. */
  workerMessage?: string;
  /** How long to wait for the worker's answer; default 5 s. */
  workerTimeoutMs?: number;
};

/**
 * Sign-out on a shared machine: deletes the user's databases and data caches, and asks the service worker
 * to wipe what only it can (its cache records). Resolves when all is gone.
 */
export async function wipeLocalData({ databases, isUserDataCache, workerMessage, workerTimeoutMs = 5000 }: WipeLocalDataOptions): Promise<void> {
  // All at once: the databases' deletion does not wait for the worker's answer (up to `workerTimeoutMs`
  // on a busy machine), so the user's data is gone as soon as the browser can delete it.
  const cacheNames = 'caches' in globalThis ? await caches.keys() : [];
  await Promise.all([
    workerMessage ? askServiceWorkerToWipe(workerMessage, workerTimeoutMs) : undefined,
    ...databases.map((name) => deleteDB(name)),
    ...cacheNames.filter(isUserDataCache).map((name) => caches.delete(name)),
  ]);
}

/** Posts `message` to the active worker and waits for its answer on the port sent with it, at most `timeoutMs`. */
export async function askServiceWorkerToWipe(message: string, timeoutMs = 5000): Promise<void> {
  const worker = (await navigator.serviceWorker?.getRegistration())?.active;
  if (!worker) return;
  const channel = new MessageChannel();
  const answered = new Promise<void>((resolve) => {
    channel.port1.onmessage = () => resolve();
    setTimeout(resolve, timeoutMs);
  });
  worker.postMessage({ type: message }, [channel.port2]);
  await answered;
}
