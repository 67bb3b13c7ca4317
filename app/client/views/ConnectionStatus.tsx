import { formatBytes, useStorageEstimate } from '../hooks/useStorageEstimate.js';
import { useWorkspace } from '../state/useWorkspace.js';

/** Online / Offline / Server unreachable / Server slow / Syncing, when the data was last synced, and local storage used. */
export function ConnectionStatus() {
  const reachability = useWorkspace((state) => state.reachability);
  const syncing = useWorkspace((state) => state.syncing);
  const progress = useWorkspace((state) => state.syncProgress);
  const lastSyncAt = useWorkspace((state) => state.lastSyncAt);
  const storage = useStorageEstimate();
  const label =
    reachability === 'offline'
      ? 'Offline'
      : reachability === 'unreachable'
        ? 'Server unreachable'
        : reachability === 'slow'
          ? 'Server slow'
          : progress
            ? `Syncing ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')}…`
            : syncing
              ? 'Syncing…'
              : 'Online';
  return (
    <>
      <span className={`live live-${reachability === 'online' ? 'on' : 'off'}`} role="status" aria-label="Connection">
        {label}
      </span>
      <span className="muted small" data-testid="last-sync">
        {lastSyncAt ? `Last sync ${new Date(lastSyncAt).toLocaleTimeString()}` : 'Not synced yet'}
      </span>
      {storage && (
        <span className="muted small" title={storage.persisted ? 'Stored persistently' : 'The browser may evict this data'}>
          Storage {formatBytes(storage.usage)}
          {storage.persisted ? ' (persistent)' : ''}
        </span>
      )}
    </>
  );
}
