import { useWorkspace } from '../state/useWorkspace.js';

/**
 * How many actions wait for the server, and how a long replay is getting on. Hidden when nothing waits.
 * The numbers are also on `data-*` attributes for monitoring scripts.
 */
export function OutboxStatus() {
  const pending = useWorkspace((state) => state.outbox.pending.length);
  const failed = useWorkspace((state) => state.outbox.failed.length);
  const progress = useWorkspace((state) => state.outbox.progress);
  const paused = useWorkspace((state) => state.outbox.paused);
  const lastPass = useWorkspace((state) => state.outbox.lastPass);
  const loaded = useWorkspace((state) => state.outbox.loaded);
  let text = !loaded ? 'Reading outbox…' : pending === 0 ? 'All changes sent' : `${pending} pending`;
  if (pending > 0 && progress) text = `${progress.sent.toLocaleString('en')} of ${progress.total.toLocaleString('en')} sent`;
  if (pending > 0 && paused === 'unauthorized') text = `${pending} pending — sign in again to send`;
  const retrying = pending > 0 && lastPass?.status === 'backing-off';
  return (
    <span className="outbox-status small" role="status" aria-label="Outbox" data-pending={pending} data-failed={failed} data-testid="outbox-status">
      {text}
      {retrying && <span className="muted"> · will retry</span>}
    </span>
  );
}
