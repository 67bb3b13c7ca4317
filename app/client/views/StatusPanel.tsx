import { useStoreSelector } from 'holdfast/react';
import type { HostReport } from 'holdfast/client';
import { apiOrigins } from '../api/apiOrigins.js';
import { cascadeMonitor } from '../state/cascadeHealth.js';
import { useWorkspace } from '../state/useWorkspace.js';
import { formatBytes, useStorageEstimate, type StorageInfo } from '../hooks/useStorageEstimate.js';

const reachabilityWords = { online: 'reachable', offline: 'offline (this device has no network)', unreachable: 'unreachable', slow: 'slow' } as const;
const hostWords: Record<HostReport['condition'], string> = { unknown: 'not used yet', up: 'up', failing: 'failing', down: 'down', probing: 'being probed' };
const sheddableWords = { closed: 'on', 'half-open': 'on (trying again)', open: 'paused: the server failed them', held: 'paused: the server is busy' } as const;

/**
 * Everything this tab depends on, in one place: the server, the event stream, each asset host, the
 * outbox, the last sync, and the optional features (presence) that a busy server switches off. A
 * disclosure in the header, so it costs no room until an agent asks "is it me or the system?". The
 * server's own view of itself is at /status, linked here.
 */
export function StatusPanel() {
  const reachability = useWorkspace((state) => state.reachability);
  const stream = useWorkspace((state) => state.stream);
  const lastSyncAt = useWorkspace((state) => state.lastSyncAt);
  const pending = useWorkspace((state) => state.outbox.pending);
  const failed = useWorkspace((state) => state.outbox.failed.length);
  const lastPass = useWorkspace((state) => state.outbox.lastPass);
  const sheddable = useWorkspace((state) => state.sheddable);
  const storage = useStorageEstimate();
  const hosts = useStoreSelector(cascadeMonitor.hostsStore, (reports) => reports);
  const region = useStoreSelector(apiOrigins.regionStore, (current) => current);
  const preferred = apiOrigins.origins[0]!;
  const oldest = pending.reduce<number | null>((min, entry) => (min === null || entry.queuedAt < min ? entry.queuedAt : min), null);
  const problem = reachability !== 'online' || !stream.connected || failed > 0 || hosts.some((host) => host.condition === 'down');
  return (
    <details className="status-panel small">
      <summary aria-label={`Status${problem ? ': something needs attention' : ''}`}>Status{problem ? ' ⚠' : ''}</summary>
      <dl aria-label="System status">
        <dt>Server</dt>
        <dd data-testid="status-server">
          {reachabilityWords[reachability]} ·{' '}
          <a href="/status" target="_blank" rel="noreferrer">
            server status
          </a>
        </dd>
        {apiOrigins.origins.length > 1 && (
          <>
            <dt>API region</dt>
            <dd data-testid="status-region">
              {new URL(region, location.href).host}
              {region === preferred ? ' (preferred)' : ` (${new URL(preferred, location.href).host} out of rotation)`}
            </dd>
          </>
        )}
        <dt>Live updates</dt>
        <dd data-testid="status-stream">
          {stream.connected ? 'connected' : 'reconnecting'} · {stream.leading ? 'held by this tab' : 'shared by another tab'}
        </dd>
        <dt>Last sync</dt>
        <dd data-testid="status-sync">{lastSyncAt ? new Date(lastSyncAt).toLocaleString() : 'not yet'}</dd>
        <dt>Outbox</dt>
        <dd data-testid="status-outbox">
          {pending.length === 0 ? 'all changes sent' : `${pending.length} pending, oldest ${ageOf(oldest!)}`}
          {failed > 0 && ` · ${failed} refused`}
          {pending.length > 0 && lastPass?.status === 'backing-off' && ' · retrying'}
        </dd>
        <dt>Asset hosts</dt>
        <dd data-testid="status-hosts">
          {hosts.length === 0
            ? 'this server'
            : hosts.map((host) => `${host.host === location.origin ? 'origin' : new URL(host.host).host} ${hostWords[host.condition]}`).join(', ')}
        </dd>
        <dt>Presence and typing</dt>
        <dd data-testid="status-presence">{sheddableWords[sheddable]}</dd>
        <dt>Storage on this device</dt>
        <dd data-testid="status-storage">{storageWords(storage)}</dd>
      </dl>
    </details>
  );
}

/**
 * The storage mode and usage. A browser without the Storage API (WebKitGTK) says neither: its storage is
 * best-effort, and this says so rather than showing nothing.
 */
function storageWords(storage: StorageInfo | null): string {
  if (!storage) return typeof navigator.storage?.estimate === 'function' ? 'checking…' : 'best-effort (this browser does not report usage)';
  const mode = storage.persisted ? 'persistent' : 'best-effort: the browser may evict it';
  return `${mode} · ${formatBytes(storage.usage)} used${storage.quota > 0 ? ` of ${formatBytes(storage.quota)}` : ''} · persistent storage asked for: ${storage.asked}`;
}

function ageOf(at: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
  return seconds < 60 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}
