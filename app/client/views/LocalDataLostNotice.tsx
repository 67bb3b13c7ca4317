import { useWorkspace, useWorkspaceStore } from '../state/useWorkspace.js';

/**
 * The browser deleted this device's copy of the workspace, or left an older one, while the agent stayed signed in (eviction):
 * said in plain words — what was lost, whether unsent work was among it — and that the server's copy is
 * coming back, rather than a silently emptier inbox.
 */
export function LocalDataLostNotice() {
  const lost = useWorkspace((state) => state.localDataLost);
  const restoring = useWorkspace((state) => state.syncing || state.syncProgress !== null || state.lastSyncAt === null);
  const store = useWorkspaceStore();
  if (!lost) return null;
  const since = new Date(lost.since).toLocaleString();
  const unsent =
    lost.lostUnsent > 0
      ? `${lost.lostUnsent} ${lost.lostUnsent === 1 ? 'action' : 'actions'} not yet sent (replies, closes, assignments) were among it and are lost: please do ${lost.lostUnsent === 1 ? 'it' : 'them'} again.`
      : 'Nothing waiting to be sent was among it.';
  return (
    <div role="alert" aria-label="Local data deleted" className="notice notice-error">
      {lost.kind === 'gone'
        ? `This browser deleted the copy of your conversations it kept on this device (kept since ${since}).`
        : `This browser took back part of the copy of your conversations it kept on this device (kept since ${since}): what it holds now is older than what it had.`}{' '}
      {unsent} {restoring ? 'A fresh copy is being fetched from the server…' : 'The server’s copy is back on this device.'}{' '}
      <button type="button" onClick={() => store.dismiss('localDataLost')}>
        Dismiss
      </button>
    </div>
  );
}
