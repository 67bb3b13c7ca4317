import type { ChaosPrometheus } from './ChaosPrometheus.js';
import type { Timeline } from './Timeline.js';

/** When an alert's condition first began (Prometheus's `activeAt`), when it was first seen firing, and when it last resolved. */
export type AlertSeen = { name: string; pendingAt: number; firingAt?: number; resolvedAt?: number };

/**
 * Watches Prometheus's alerts once a second while a scenario runs, and marks each change on the timeline
 * (source `prometheus`): an alert pending, firing, resolved. An alert already active when the watch began
 * (a previous scenario's, whose window still holds its fault) belongs to that scenario and is left out.
 */
export class AlertWatch {
  readonly #seen = new Map<string, AlertSeen>();
  /** The state of each alert active at the last poll. */
  readonly #now = new Map<string, 'pending' | 'firing'>();
  readonly #timer: NodeJS.Timeout;
  #polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly prometheus: ChaosPrometheus,
    private readonly timeline: Timeline,
    private readonly since: number,
  ) {
    this.#timer = setInterval(() => {
      this.#polling = this.#poll().catch(() => undefined);
    }, 1000);
  }

  async #poll(): Promise<void> {
    const active = await this.prometheus.alerts();
    const now = Date.now();
    const states = new Map<string, { state: 'pending' | 'firing'; activeAt: number }>();
    for (const alert of active) {
      const activeAt = Date.parse(alert.activeAt);
      // One alert can have several series (a node each): the name is firing if one of them is.
      if (activeAt < this.since || states.get(alert.name)?.state === 'firing') continue;
      states.set(alert.name, { state: alert.state, activeAt });
    }
    for (const [name, { state, activeAt }] of states) {
      const seen = this.#seen.get(name) ?? { name, pendingAt: activeAt };
      const was = this.#now.get(name);
      if (!this.#seen.has(name)) this.#seen.set(name, seen);
      if (was === undefined) this.timeline.mark('prometheus', 'alert pending', name, activeAt);
      if (state === 'firing' && was !== 'firing') {
        seen.firingAt ??= now;
        this.timeline.mark('prometheus', 'alert firing', name, now);
      }
      this.#now.set(name, state);
    }
    for (const name of [...this.#now.keys()])
      if (!states.has(name)) {
        this.#now.delete(name);
        this.#seen.get(name)!.resolvedAt = now;
        this.timeline.mark('prometheus', 'alert resolved', name, now);
      }
  }

  /** Whether `name` has been seen in `state` (or firing, which follows pending) since the watch began. */
  seen(name: string, state: 'pending' | 'firing'): boolean {
    const seen = this.#seen.get(name);
    return seen !== undefined && (state === 'pending' || seen.firingAt !== undefined);
  }

  /** Stops watching; answers every alert seen, by name (the first time each became active). */
  async stop(): Promise<Map<string, AlertSeen>> {
    clearInterval(this.#timer);
    await this.#polling;
    return this.#seen;
  }
}
