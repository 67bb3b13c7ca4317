import { useSyncExternalStore } from 'react';

/** What the browser answered when asked for persistent storage (`persist()`), kept to be shown. */
type PersistAnswer = 'granted' | 'refused' | 'no answer yet' | 'not offered by this browser';

export type StorageInfo = { usage: number; quota: number; persisted: boolean; asked: PersistAnswer };

const refreshMs = 30_000;
/** How long the first reading waits for the browser's answer to `persist()`. */
const answerWaitMs = 2000;
let info: StorageInfo | null = null;
const listeners = new Set<() => void>();
let timer: number | undefined;
let asked: PersistAnswer = 'no answer yet';

async function update(): Promise<void> {
  const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? false]);
  info = { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted, asked };
  for (const listener of listeners) listener();
}

/**
 * One reading for every view that shows storage (the header and the Status panel): persistent storage is
 * asked for once, when the first view mounts, and usage read every 30 s while any view shows it.
 */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1 && typeof navigator.storage?.estimate === 'function') {
    const request = navigator.storage.persist?.().then((granted) => {
      asked = granted ? 'granted' : 'refused';
    });
    if (!request) asked = 'not offered by this browser';
    const answered = (request ?? Promise.resolve()).catch(() => {
      asked = 'refused';
    });
    // Chromium answers at once. Firefox asks the agent in a prompt that may never be answered: the usage is
    // shown after a short wait anyway ("no answer yet"), and again when the answer comes.
    void Promise.race([answered, new Promise((resolve) => setTimeout(resolve, answerWaitMs))]).finally(update);
    void answered.finally(update);
    timer = window.setInterval(() => void update(), refreshMs);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.clearInterval(timer);
  };
}

/** Asks for persistent storage (so the browser does not evict the offline data) and reports usage; null before the first reading, or without a Storage API. */
export function useStorageEstimate(): StorageInfo | null {
  return useSyncExternalStore(
    subscribe,
    () => info,
    () => null,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
