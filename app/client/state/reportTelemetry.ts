import { TelemetryReporter, telemetryLimits, type CascadeNotice } from 'holdfast/client';
import { apiOrigins } from '../api/apiOrigins.js';
import { cascadeMonitor } from './cascadeHealth.js';
import type { WorkspaceStore } from './WorkspaceStore.js';

/** At most one outbox report a minute while actions wait: its health, not every pass. */
const outboxReportMs = 60_000;

/**
 * The signed-in workspace's client telemetry: reachability changes, breaker changes (the asset hosts' and
 * sheddable calls'), CDN failovers and, while actions wait, the outbox's health. Sent through the service
 * worker's Background Sync queue (sw `collectTelemetry`), so what happened offline arrives once the agent
 * is back. Answers how to stop.
 */
export function reportTelemetry(store: WorkspaceStore): () => void {
  const reporter = new TelemetryReporter({
    watchHidden: (hidden) => {
      const onChange = () => document.visibilityState === 'hidden' && hidden();
      document.addEventListener('visibilitychange', onChange);
      return () => document.removeEventListener('visibilitychange', onChange);
    },
  });
  let last = store.getSnapshot();
  let lastOutboxReport = 0;
  // Whether the server was last told of actions waiting: it is told of the drain too, or its gauge of the
  // oldest waiting action would go on ageing (and page) after the device is done.
  let reportedWaiting = false;
  const stopStore = store.subscribe(() => {
    const now = store.getSnapshot();
    if (now.reachability !== last.reachability) reporter.report('reachability', { from: last.reachability, to: now.reachability });
    if (now.sheddable !== last.sheddable) reporter.report('breaker', { feature: 'presence', from: last.sheddable, to: now.sheddable });
    const pass = now.outbox.lastPass;
    if (pass !== last.outbox.lastPass && pass?.status === 'backing-off' && Date.now() - lastOutboxReport > outboxReportMs) {
      lastOutboxReport = Date.now();
      const oldest = Math.min(...now.outbox.pending.map((entry) => entry.queuedAt));
      reporter.report('outbox', {
        status: pass.status,
        code: pass.code ?? null,
        pending: now.outbox.pending.length,
        failed: now.outbox.failed.length,
        oldestAgeMs: Number.isFinite(oldest) ? Date.now() - oldest : 0,
      });
      reportedWaiting = true;
    }
    if (reportedWaiting && now.outbox.pending.length === 0) {
      reportedWaiting = false;
      reporter.report('outbox', { status: 'drained', code: null, pending: 0, failed: now.outbox.failed.length, oldestAgeMs: 0 });
    }
    last = now;
  });
  const stopCascade = cascadeMonitor.subscribe((notice: CascadeNotice) => {
    if (notice.type === 'breaker') reporter.report('breaker', { host: notice.host, from: notice.from, to: notice.to });
    else if (notice.type === 'served' && notice.passedOver.length > 0) {
      reporter.report('failover', {
        path: notice.path,
        host: notice.host,
        failoverMs: Math.round(notice.failoverMs),
        passedOver: notice.passedOver.length,
        from: notice.passedOver[0]!.host,
        // The hosts after the first that failed outright (the asset-host alert counts each): with both CDNs
        // down, the second is as down as the first. One merely slow (raced by a hedge, or skipped for its
        // silence) is not counted.
        passedHosts: passedHosts(
          notice.passedOver
            .slice(1)
            .filter((failure) => failure.reason !== 'hedged' && failure.reason !== 'silent')
            .map((failure) => failure.host),
        ),
        reason: notice.passedOver[0]!.reason,
        source: notice.source ?? 'worker',
      });
    } else if (notice.type === 'failed')
      reporter.report('failover', { path: notice.path, failed: true, passedOver: notice.passedOver.length, source: notice.source ?? 'worker' });
  });
  // The API's region in rotation changed: a failover to another region, or the return to the preferred one.
  const stopRegions = apiOrigins.subscribe((from, to) => reporter.report('failover', { api: true, from: from || 'this origin', to: to || 'this origin' }));
  return () => {
    stopRegions();
    stopStore();
    stopCascade();
    reporter.stop();
  };
}

/** Distinct hosts, space-separated, whole names only, within a telemetry detail's length. */
function passedHosts(hosts: readonly string[]): string {
  let joined = '';
  for (const host of new Set(hosts)) {
    const next = joined ? `${joined} ${host}` : host;
    if (next.length > telemetryLimits.maxStringLength) break;
    joined = next;
  }
  return joined;
}
