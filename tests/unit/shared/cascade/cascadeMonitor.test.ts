import { describe, expect, it } from 'vitest';
import { CascadeMonitor, type CascadeNotice, type PassedOver } from 'holdfast/client';

const fastly = 'https://fastly.example';
const azure = 'https://azure.example';
const origin = 'https://app.example';

const servedBy = (host: string, passedOver: PassedOver[] = [], source?: 'page'): CascadeNotice => ({
  type: 'served',
  source,
  path: '/assets/app.js',
  host,
  ms: 40,
  failoverMs: passedOver.reduce((sum, failure) => sum + failure.ms, 0),
  passedOver,
});

const conditions = (monitor: CascadeMonitor) => monitor.hosts().map((report) => [report.host, report.condition]);

describe('CascadeMonitor', () => {
  it('knows nothing of any host before a notice', () => {
    expect(conditions(new CascadeMonitor([fastly, azure, origin]))).toEqual([
      [fastly, 'unknown'],
      [azure, 'unknown'],
      [origin, 'unknown'],
    ]);
  });

  it('a host that failed is failing, the one that served is up, with what failover cost', () => {
    const monitor = new CascadeMonitor([fastly, azure, origin]);
    monitor.record(servedBy(azure, [{ host: fastly, reason: 'first-byte-timeout', ms: 3000 }]));
    expect(monitor.hosts()).toEqual([
      { host: fastly, condition: 'failing', served: 0, passedOver: 1, lastReason: 'first-byte-timeout' },
      { host: azure, condition: 'up', served: 1, passedOver: 0, lastFailoverMs: 3000 },
      { host: origin, condition: 'unknown', served: 0, passedOver: 0 },
    ]);
  });

  it('follows breaker transitions, and a skipped host stays down rather than "failing"', () => {
    const monitor = new CascadeMonitor([fastly, azure, origin]);
    monitor.record({ type: 'breaker', host: fastly, from: 'closed', to: 'open' });
    expect(conditions(monitor)[0]).toEqual([fastly, 'down']);
    monitor.record(servedBy(azure, [{ host: fastly, reason: 'breaker-open', ms: 0 }]));
    expect(conditions(monitor)[0]).toEqual([fastly, 'down']);
    monitor.record({ type: 'breaker', host: fastly, from: 'open', to: 'half-open' });
    expect(conditions(monitor)[0]).toEqual([fastly, 'probing']);
    monitor.record({ type: 'breaker', host: fastly, from: 'half-open', to: 'closed' });
    expect(conditions(monitor)[0]).toEqual([fastly, 'up']);
  });

  it("reads the page loader's notices: a host it failed on or skipped is down (it marks hosts down at once)", () => {
    const monitor = new CascadeMonitor([fastly, azure, origin]);
    monitor.record(servedBy(azure, [{ host: fastly, reason: 'first-byte-timeout', ms: 3000 }], 'page'));
    expect(conditions(monitor).slice(0, 2)).toEqual([
      [fastly, 'down'],
      [azure, 'up'],
    ]);
    const later = new CascadeMonitor([fastly, azure, origin]);
    later.record(servedBy(azure, [{ host: fastly, reason: 'marked-down', ms: 0 }], 'page'));
    expect(conditions(later)[0]).toEqual([fastly, 'down']);
  });

  it('an asset no host could serve marks every host it tried', () => {
    const monitor = new CascadeMonitor([fastly, origin]);
    monitor.record({
      type: 'failed',
      path: '/assets/app.js',
      passedOver: [
        { host: fastly, reason: 'server-error', ms: 5 },
        { host: origin, reason: 'network', ms: 1 },
      ],
    });
    expect(conditions(monitor)).toEqual([
      [fastly, 'failing'],
      [origin, 'failing'],
    ]);
  });

  it("applies the worker's breaker states only to hosts nothing has been heard of", () => {
    const monitor = new CascadeMonitor([fastly, azure, origin]);
    monitor.record({ type: 'breaker', host: azure, from: 'open', to: 'closed' });
    monitor.applyBreakers([
      { host: fastly, state: 'open' },
      { host: azure, state: 'open' },
      { host: origin, state: 'closed' },
    ]);
    expect(conditions(monitor)).toEqual([
      [fastly, 'down'],
      [azure, 'up'],
      [origin, 'up'],
    ]);
  });

  it('passes every notice to subscribers with the reports after it, and tells watchers of every change', () => {
    const monitor = new CascadeMonitor([fastly, origin]);
    const forwarded: string[] = [];
    const watched: number[] = [];
    const unsubscribe = monitor.subscribe((notice, hosts) => forwarded.push(`${notice.type}:${hosts[0]!.condition}`));
    monitor.watch((hosts) => watched.push(hosts.length));
    const before = monitor.hosts();
    monitor.record({ type: 'breaker', host: fastly, from: 'closed', to: 'open' });
    expect(monitor.hosts()).not.toBe(before);
    monitor.applyBreakers([{ host: origin, state: 'closed' }]);
    unsubscribe();
    monitor.record(servedBy(fastly));
    expect(forwarded).toEqual(['breaker:down']);
    expect(watched).toEqual([2, 2, 2]);
  });

  it('a notice about a host not in the list adds it', () => {
    const monitor = new CascadeMonitor([origin]);
    monitor.record(servedBy(fastly));
    expect(conditions(monitor)).toEqual([
      [origin, 'unknown'],
      [fastly, 'up'],
    ]);
  });
});
