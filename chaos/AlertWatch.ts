import type { ActiveAlert, ChaosPrometheus } from './ChaosPrometheus.js';
import type { Timeline } from './Timeline.js';

/**
 * An alert a scenario expects: its name, and optionally one label's value it must contain
 * (`HoldfastAssetHostDown{host~azure.test}`: the series for that host, not another host's).
 */
export type AlertExpectation = string;

/** One series of an alert: when its condition first began (Prometheus's `activeAt`), when it was first seen firing, when it last resolved. */
export type AlertSeen = { name: string; labels: Record<string, string>; pendingAt: number; firingAt?: number; resolvedAt?: number };

export function matches(expectation: AlertExpectation, name: string, labels: Record<string, string>): boolean {
  const [, expectedName, label, part] = expectation.match(/^(\w+)(?:\{(\w+)~([^}]+)\})?$/) ?? [];
  return expectedName === name && (label === undefined || (labels[label] ?? '').includes(part!));
}

const seriesKey = (alert: ActiveAlert) =>
  `${alert.name}${JSON.stringify(
    Object.entries(alert.labels)
      .filter(([key]) => key !== 'alertname' && key !== 'severity')
      .sort(),
  )}`;

/**
 * Watches Prometheus's alerts once a second while a scenario runs, and marks each change on the timeline
 * (source `prometheus`): an alert pending, firing, resolved. A series of an alert already active when the
 * watch began (a previous scenario's, whose window still holds its fault) belongs to that scenario and is
 * left out; another series of the same alert (another host) that becomes active counts.
 */
export class AlertWatch {
  readonly #seen = new Map<string, AlertSeen>();
  /** The state of each series active at the last poll. */
  readonly #now = new Map<string, 'pending' | 'firing'>();
  #stopped = false;
  readonly #polling: Promise<void>;

  constructor(
    private readonly prometheus: ChaosPrometheus,
    private readonly timeline: Timeline,
    private readonly since: number,
  ) {
    // One poll at a time, a second apart: a poll that takes long (Prometheus busy) never overlaps the next.
    this.#polling = (async () => {
      while (!this.#stopped) {
        await this.#poll().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
  }

  async #poll(): Promise<void> {
    const now = Date.now();
    const active = new Map<string, ActiveAlert>();
    for (const alert of await this.prometheus.alerts()) if (Date.parse(alert.activeAt) >= this.since) active.set(seriesKey(alert), alert);
    for (const [key, alert] of active) {
      const activeAt = Date.parse(alert.activeAt);
      const seen = this.#seen.get(key) ?? { name: alert.name, labels: alert.labels, pendingAt: activeAt };
      this.#seen.set(key, seen);
      const was = this.#now.get(key);
      if (was === undefined) this.timeline.mark('prometheus', 'alert pending', alert.name, activeAt);
      if (alert.state === 'firing' && was !== 'firing') {
        seen.firingAt ??= now;
        this.timeline.mark('prometheus', 'alert firing', alert.name, now);
      }
      this.#now.set(key, alert.state);
    }
    for (const key of [...this.#now.keys()])
      if (!active.has(key)) {
        this.#now.delete(key);
        const seen = this.#seen.get(key)!;
        seen.resolvedAt = now;
        this.timeline.mark('prometheus', 'alert resolved', seen.name, now);
      }
  }

  /** Whether a series the expectation matches has been seen in `state` (or firing, which follows pending) since the watch began. */
  seen(expectation: AlertExpectation, state: 'pending' | 'firing'): boolean {
    return [...this.#seen.values()].some((seen) => matches(expectation, seen.name, seen.labels) && (state === 'pending' || seen.firingAt !== undefined));
  }

  /** Stops watching; answers every series seen (the first time each became active). */
  async stop(): Promise<AlertSeen[]> {
    this.#stopped = true;
    await this.#polling;
    return [...this.#seen.values()];
  }
}
