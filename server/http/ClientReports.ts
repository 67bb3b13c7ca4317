import type { TelemetryEvent } from '../../shared/index.js';

/** How long a client's last word counts: past it, a client that stopped reporting is forgotten (gone, or healed). */
export type ClientReportsOptions = { breakerMemoryMs: number; outboxMemoryMs: number };
export const clientReportsDefaults: ClientReportsOptions = { breakerMemoryMs: 15 * 60_000, outboxMemoryMs: 3 * 60_000 };

/**
 * What agents' browsers last said about what the server cannot see itself, as two gauges for alerts:
 * which asset hosts' breakers are open on how many devices (a CDN the server never talks to), and the
 * oldest action waiting in any outbox. Telemetry arrives late (a device that could not reach the server
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

  constructor(options: Partial<ClientReportsOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...clientReportsDefaults, ...options };
    this.#now = now;
  }

  /** Takes in one device's batch (`device`: its session), in the order the device recorded it. */
  take(device: string, events: readonly Pick<TelemetryEvent, 'kind' | 'detail'>[]): void {
    const receivedAt = this.#now();
    for (const { kind, detail } of events) {
      if (kind === 'breaker' && typeof detail.host === 'string' && typeof detail.to === 'string')
        this.#breakers.set(`${device} ${detail.host}`, { host: detail.host, state: detail.to, receivedAt });
      if (kind === 'outbox' && typeof detail.oldestAgeMs === 'number' && typeof detail.pending === 'number')
        if (detail.pending > 0) this.#outboxes.set(device, { oldestAgeMs: detail.oldestAgeMs, receivedAt });
        else this.#outboxes.delete(device);
    }
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
