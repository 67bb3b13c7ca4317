import { useStoreSelector } from 'holdfast/react';
import type { HostReport } from 'holdfast/client';
import { cascadeMonitor } from '../state/cascadeHealth.js';

const words: Record<HostReport['condition'], string> = { unknown: 'not used yet', up: 'up', failing: 'failing', down: 'down', probing: 'being probed' };

const label = (host: string) => (host === location.origin ? 'origin' : new URL(host).host);

function detail(report: HostReport): string {
  const parts = [`${report.served} served`, `${report.passedOver} passed over`];
  if (report.lastReason) parts.push(`last failure: ${report.lastReason}`);
  if (report.lastFailoverMs) parts.push(`last failover cost ${report.lastFailoverMs} ms`);
  return parts.join(', ');
}

/**
 * Where the app's code and images come from: each CDN host and the origin, with its health (from the
 * worker's breakers and the page loader). Hidden when the build has no CDN hosts. The state is also on
 * `data-*` attributes for monitoring scripts.
 */
export function AssetHostsStatus() {
  const hosts = useStoreSelector(cascadeMonitor.hostsStore, (reports) => reports);
  if (hosts.length < 2) return null;
  return (
    <span className="asset-hosts small" role="status" aria-label="Asset hosts">
      Assets:
      {hosts.map((report, index) => (
        <span
          key={report.host}
          className={`asset-host asset-host-${report.condition}`}
          data-host={report.host}
          data-condition={report.condition}
          title={detail(report)}
        >
          {label(report.host)} {words[report.condition]}
          {index < hosts.length - 1 && <span className="visually-hidden">, then </span>}
        </span>
      ))}
    </span>
  );
}
