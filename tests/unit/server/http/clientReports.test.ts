import { describe, expect, it } from 'vitest';
import { ClientReports } from 'holdfast/internal/server';

describe("ClientReports: what devices last said, for the server's alerts", () => {
  it("counts the devices whose last word is that a host's breaker is open, and forgets the silent ones", () => {
    let now = 0;
    const reports = new ClientReports({ breakerMemoryMs: 60_000 }, () => now);
    reports.take('device-a', [{ kind: 'breaker', detail: { host: 'fastly.test', from: 'closed', to: 'open' } }]);
    reports.take('device-b', [{ kind: 'breaker', detail: { host: 'fastly.test', from: 'closed', to: 'open' } }]);
    reports.take('device-b', [{ kind: 'breaker', detail: { host: 'azure.test', from: 'closed', to: 'open' } }]);
    expect(Object.fromEntries(reports.openBreakers())).toEqual({ 'fastly.test': 2, 'azure.test': 1 });
    // B's breaker closed again: its last word counts, in the order the device recorded it.
    reports.take('device-b', [
      { kind: 'breaker', detail: { host: 'fastly.test', from: 'open', to: 'half-open' } },
      { kind: 'breaker', detail: { host: 'fastly.test', from: 'half-open', to: 'closed' } },
    ]);
    expect(Object.fromEntries(reports.openBreakers())).toEqual({ 'fastly.test': 1, 'azure.test': 1 });
    // A presence breaker (a feature, no host) and malformed details are not asset hosts.
    reports.take('device-c', [{ kind: 'breaker', detail: { feature: 'presence', from: 'on', to: 'off' } }]);
    reports.take('device-c', [{ kind: 'breaker', detail: { host: 42, to: 'open' } }]);
    expect(Object.fromEntries(reports.openBreakers())).toEqual({ 'fastly.test': 1, 'azure.test': 1 });
    now = 61_000;
    expect(reports.openBreakers().size).toBe(0);
  });

  it('gives the oldest waiting action, aged since its report, until the device says it drained or falls silent', () => {
    let now = 0;
    const reports = new ClientReports({ outboxMemoryMs: 120_000 }, () => now);
    expect(reports.oldestWaitingMs()).toBe(0);
    reports.take('device-a', [{ kind: 'outbox', detail: { status: 'backing-off', pending: 3, failed: 0, oldestAgeMs: 40_000 } }]);
    reports.take('device-b', [{ kind: 'outbox', detail: { status: 'backing-off', pending: 1, failed: 0, oldestAgeMs: 10_000 } }]);
    now = 5000;
    expect(reports.oldestWaitingMs()).toBe(45_000);
    reports.take('device-a', [{ kind: 'outbox', detail: { status: 'drained', code: null, pending: 0, failed: 0, oldestAgeMs: 0 } }]);
    expect(reports.oldestWaitingMs()).toBe(15_000);
    now = 126_000;
    expect(reports.oldestWaitingMs()).toBe(0);
  });
});

describe('ClientReports: failovers and host names', () => {
  it('counts failovers away from each asset host in the last two minutes; API failovers are not asset hosts', () => {
    let now = 0;
    const reports = new ClientReports({}, () => now);
    const failover = (from: string, api = false) => ({
      kind: 'failover' as const,
      detail: { from, host: 'azure.test', passedOver: 1, ...(api ? { api } : {}) },
    });
    reports.take('device-a', [failover('fastly.test'), failover('fastly.test'), failover('region-a', true)]);
    now = 60_000;
    reports.take('device-b', [failover('fastly.test')]);
    expect(Object.fromEntries(reports.passedOver())).toEqual({ 'fastly.test': 3 });
    now = 121_000;
    expect(Object.fromEntries(reports.passedOver())).toEqual({ 'fastly.test': 1 });
  });

  it('counts the other hosts an asset was fetched around for failing (passedHosts): with both CDNs down, the second as often as the first', () => {
    const reports = new ClientReports();
    const asset = { kind: 'failover' as const, detail: { from: 'fastly.test', passedHosts: 'azure.test', host: 'origin.test', passedOver: 2 } };
    reports.take('device-a', [asset, asset, asset]);
    expect(Object.fromEntries(reports.passedOver())).toEqual({ 'fastly.test': 3, 'azure.test': 3 });
  });

  it('labels at most maxHosts distinct host names; any further name a client sends is "other"', () => {
    const reports = new ClientReports({ maxHosts: 2 });
    for (const host of ['a.test', 'b.test', 'c.test', 'd.test'])
      reports.take(`device-${host}`, [{ kind: 'breaker', detail: { host, from: 'closed', to: 'open' } }]);
    expect(Object.fromEntries(reports.openBreakers())).toEqual({ 'a.test': 1, 'b.test': 1, other: 2 });
  });

  it("the build's CDN hosts keep labels of their own when a client has sent other names first", () => {
    const cdn = ['https://fastly.example', 'https://azure.example'];
    const reports = new ClientReports({ maxHosts: 2, knownHosts: cdn });
    // A hostile or buggy device fills every free label with names of its own…
    for (const host of ['junk-1.test', 'junk-2.test', 'junk-3.test'])
      reports.take('device-junk', [{ kind: 'failover', detail: { from: host, host: 'https://origin.example', passedOver: 1 } }]);
    // …and the CDNs the alerts are about still count under their names.
    for (const host of cdn) reports.take(`device-${host}`, [{ kind: 'breaker', detail: { host, from: 'closed', to: 'open' } }]);
    expect(Object.fromEntries(reports.openBreakers())).toEqual({ 'https://fastly.example': 1, 'https://azure.example': 1 });
    expect(Object.fromEntries(reports.passedOver())).toEqual({ 'junk-1.test': 1, 'junk-2.test': 1, other: 1 });
  });
});

describe('ClientReports: a device that signed out', () => {
  it('no longer counts: its open breakers, its waiting actions and its failovers are forgotten, and no one else’s', () => {
    const reports = new ClientReports();
    for (const device of ['leaving', 'staying'])
      reports.take(device, [
        { kind: 'breaker', detail: { host: 'fastly.test', from: 'closed', to: 'open' } },
        { kind: 'outbox', detail: { status: 'backing-off', pending: 2, failed: 0, oldestAgeMs: device === 'leaving' ? 90_000 : 10_000 } },
        { kind: 'failover', detail: { from: 'fastly.test', host: 'azure.test', passedOver: 1 } },
      ]);
    reports.forget('leaving');
    expect(Object.fromEntries(reports.openBreakers())).toEqual({ 'fastly.test': 1 });
    expect(Object.fromEntries(reports.passedOver())).toEqual({ 'fastly.test': 1 });
    expect(reports.oldestWaitingMs()).toBeLessThan(20_000);
  });
});
