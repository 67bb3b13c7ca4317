import { useEffect, useState } from 'react';

export type StorageInfo = { usage: number; quota: number; persisted: boolean };

/** Asks once for persistent storage (so the browser does not evict the offline data) and reports usage. */
export function useStorageEstimate(refreshMs = 30_000): StorageInfo | null {
  const [info, setInfo] = useState<StorageInfo | null>(null);
  useEffect(() => {
    if (!navigator.storage?.estimate) return;
    let cancelled = false;
    const update = async () => {
      const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? false]);
      if (!cancelled) setInfo({ usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted });
    };
    void navigator.storage.persist?.().finally(update);
    const timer = window.setInterval(update, refreshMs);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [refreshMs]);
  return info;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
