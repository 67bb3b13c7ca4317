import { cascadeDefaults } from '../../shared/cascade/cascadeDefaults.js';
import type { TelemetryEvent } from '../../shared/index.js';
import { withDefaults } from '../withDefaults.js';

/** How long a client's last word counts: past it, a client that stopped reporting is forgotten (gone, or healed). */
export type ClientReportsOptions = {
  breakerMemoryMs: number;
  outboxMemoryMs: number;
  failoverMemoryMs: number;
  maxHosts: number;
  knownHosts: readonly string[];
};
/**
 * `maxHosts`: host names are labels, and any signed-in client can send any name: past this many distinct
 * ones, the rest are counted as `other` (an app has a handful of asset hosts).
 * `knownHosts`: the CDN hosts the app's build names (dist/security.json). Each always has a label of its
 * own, outside `maxHosts`: names sent first by a buggy or hostile client cannot take the places of the
 * hosts the alerts are about. Other names (the origin, as each device names it) share `maxHosts`.
 */
const clientReportsDefaults: ClientReportsOptions = {
  // A device whose breaker is still open reports again at each half-open probe (after a cool-down that
  // grows to at most cascadeDefaults.maxCoolDownMs); one that went away stops counting a minute after that.
  breakerMemoryMs: cascadeDefaults.maxCoolDownMs + 60_000,
  outboxMemoryMs: 3 * 60_000,
  failoverMemoryMs: 2 * 60_000,
  maxHosts: 16,
  knownHosts: [],
};
const maxAgeMs = 7 * 24 * 3_600_000;
/** The most failovers remembered at once (each is a host and a time): a flood from clients cannot grow it further. */
const maxFailovers = 10_000;

/**
 * What agents' browsers last said about what the server cannot see itself, as gauges for alerts: which
 * asset hosts' breakers are open on how many devices and which hosts assets were fetched around lately (a
 * CDN the server never talks to), and the oldest action waiting in any outbox. Telemetry arrives late (a device that could not reach the server
 * reports once it can), so these say "reported", never "now". Kept per process, in memory: each node sees
 * the devices that report to it, and Prometheus takes the max or the sum over nodes.
 */
export class ClientReports {
  readonly #options: ClientReportsOptions;
  readonly #now: () => number;
  /** By device and host: the breaker's last reported state, and when it was received. */
  readonly #breakers = new Map<string, { host: string; state: string; receivedAt: number }>();
  /** By device: the oldest waiting action's age when reported, and when that was received. */
  readonly #outboxes = new Map<string, { oldestAgeMs: number; receivedAt: number }>();

  readonly #hosts = new Set<string>();
  /** Failovers away from a host, as received, oldest first. */
  #failovers: { device: string; host: string; receivedAt: number }[] = [];

  constructor(options: Partial<ClientReportsOptions> = {}, now: () => number = Date.now) {
    this.#options = withDefaults(clientReportsDefaults, options);
    this.#now = now;
  }

  /** Takes in one device's batch (`device`: its session), in the order the device recorded it. */
  take(device: string, events: readonly Pick<TelemetryEvent, 'kind' | 'detail'>[]): void {
    const receivedAt = this.#now();
    for (const { kind, detail } of events) {
      if (kind === 'breaker' && typeof detail.host === 'string' && typeof detail.to === 'string') {
        const host = this.#label(detail.host);
        this.#breakers.set(`${device} ${host}`, { host, state: detail.to, receivedAt });
      }
      if (kind === 'failover' && typeof detail.from === 'string' && detail.api !== true)
        // The first host the asset was fetched around, and the others that failed outright (`passedHosts`,
        // space-separated): with both CDNs down, the second is as down as the first. A device of an earlier
        // release names only the first.
        for (const host of new Set(typeof detail.passedHosts === 'string' ? [detail.from, ...detail.passedHosts.split(' ').filter(Boolean)] : [detail.from]))
          this.#failovers.push({ device, host: this.#label(host), receivedAt });
      if (kind === 'outbox' && typeof detail.oldestAgeMs === 'number' && typeof detail.pending === 'number')
        if (detail.pending > 0)
          // Clamped: any signed-in client can send any number, and a week is longer than any outbox waits.
          this.#outboxes.set(device, { oldestAgeMs: Math.min(Math.max(0, detail.oldestAgeMs), maxAgeMs), receivedAt });
        else this.#outboxes.delete(device);
    }
    if (this.#failovers.length > maxFailovers) this.#failovers = this.#failovers.slice(-maxFailovers);
  }

  /** Forgets a device (it signed out): its breakers, its outbox and its failovers no longer count. */
  forget(device: string): void {
    for (const key of [...this.#breakers.keys()]) if (key.startsWith(`${device} `)) this.#breakers.delete(key);
    this.#outboxes.delete(device);
    this.#failovers = this.#failovers.filter((failover) => failover.device !== device);
  }

  /** The host as a label: itself, or `other` once `maxHosts` distinct names have been seen. */
  #label(host: string): string {
    if (this.#hosts.has(host) || this.#options.knownHosts.includes(host)) return host;
    if (this.#hosts.size >= this.#options.maxHosts) return 'other';
    this.#hosts.add(host);
    return host;
  }

  /** Devices whose last report says the host's breaker is open, by host (hosts with none are absent). */
  openBreakers(): Map<string, number> {
    const now = this.#now();
    const open = new Map<string, number>();
    for (const [key, report] of this.#breakers) {
      if (now - report.receivedAt > this.#options.breakerMemoryMs) this.#breakers.delete(key);
      else if (report.state === 'open') open.set(report.host, (open.get(report.host) ?? 0) + 1);
    }
    return open;
  }

  /** Failovers away from each host that devices reported lately (within `failoverMemoryMs`), by host. */
  passedOver(): Map<string, number> {
    const since = this.#now() - this.#options.failoverMemoryMs;
    this.#failovers = this.#failovers.filter((failover) => failover.receivedAt >= since);
    const counts = new Map<string, number>();
    for (const { host } of this.#failovers) counts.set(host, (counts.get(host) ?? 0) + 1);
    return counts;
  }

  /** The oldest waiting action any device reported, aged since the report (0: none reported lately). */
  oldestWaitingMs(): number {
    const now = this.#now();
    let oldest = 0;
    for (const [device, report] of this.#outboxes) {
      if (now - report.receivedAt > this.#options.outboxMemoryMs) this.#outboxes.delete(device);
      else oldest = Math.max(oldest, report.oldestAgeMs + (now - report.receivedAt));
    }
    return oldest;
  }
}
