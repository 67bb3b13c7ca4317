import type { BreakerSnapshot, CascadeNotice } from './cascadeNotice.js';
import type { FailureReason } from './failureReason.js';
import type { HostState } from './HostHealth.js';

/**
 * How a host looks from here: `up` (served, or its breaker is closed), `failing` (passed over, breaker
 * not open yet), `down` (breaker open, or marked down by the page loader), `probing` (its one probe is out),
 * `unknown` (nothing heard yet).
 */
export type HostCondition = 'unknown' | 'up' | 'failing' | 'down' | 'probing';

export type HostReport = {
  host: string;
  condition: HostCondition;
  /** Assets this host served, and times it was passed over, since the page loaded. */
  served: number;
  passedOver: number;
  lastReason?: string;
  /** What failover cost the last asset this host served, in ms. */
  lastFailoverMs?: number;
};

export type CascadeListener = (notice: CascadeNotice, hosts: readonly HostReport[]) => void;

const fromBreaker: Record<HostState, HostCondition> = { closed: 'up', open: 'down', 'half-open': 'probing' };

/** Why a host was skipped without being tried, and what that says about it. */
const skipped: Partial<Record<FailureReason, HostCondition>> = {
  'breaker-open': 'down',
  'marked-down': 'down',
  'breaker-half-open': 'probing',
  silent: 'failing',
};

/**
 * The health of every host of a cascade, as its notices tell it — from the service worker and from the
 * page's fallback loader — for a status view, and every notice passed on to subscribers (monitoring).
 * No DOM: whoever receives the notices feeds them in.
 */
export class CascadeMonitor {
  readonly #reports = new Map<string, HostReport>();
  readonly #listeners = new Set<CascadeListener>();
  readonly #watchers = new Set<(hosts: readonly HostReport[]) => void>();
  #snapshot: readonly HostReport[] = [];

  /** `hosts` in order of preference, the origin last. */
  constructor(hosts: readonly string[]) {
    for (const host of hosts) this.#reports.set(host, { host, condition: 'unknown', served: 0, passedOver: 0 });
    this.#snapshot = [...this.#reports.values()];
  }

  /** Every host's report, in cascade order; the same array until something changes. */
  hosts(): readonly HostReport[] {
    return this.#snapshot;
  }

  /** Every notice, with the reports after it: for forwarding to monitoring. */
  subscribe(listener: CascadeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The reports as a store (subscribe / getSnapshot), the shape every framework observable has: for a view. */
  readonly hostsStore = {
    subscribe: (listener: () => void): (() => void) => this.watch(() => listener()),
    getSnapshot: (): readonly HostReport[] => this.#snapshot,
  };

  /** Called whenever a report changes: for a view. */
  watch(onChange: (hosts: readonly HostReport[]) => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }

  record(notice: CascadeNotice): void {
    if (notice.type === 'breaker') {
      this.#update(notice.host, { condition: fromBreaker[notice.to] });
    } else {
      for (const failure of notice.passedOver) {
        const report = this.#report(failure.host);
        // The page loader marks a host down at its first failure; the worker's breaker needs several.
        const condition = skipped[failure.reason] ?? (report.condition === 'down' || notice.source === 'page' ? 'down' : 'failing');
        this.#update(failure.host, { condition, passedOver: report.passedOver + 1, lastReason: failure.reason });
      }
      if (notice.type === 'served') {
        const report = this.#report(notice.host);
        this.#update(notice.host, { condition: 'up', served: report.served + 1, lastFailoverMs: notice.failoverMs });
      }
    }
    this.#changed();
    for (const listener of this.#listeners) listener(notice, this.#snapshot);
  }

  /**
   * The worker's breaker states, asked for when the page starts: its assets may all come from the worker's
   * cache, with no notice to tell. Applied only to hosts nothing has been heard of yet — a notice that
   * overtook the answer is newer.
   */
  applyBreakers(snapshot: BreakerSnapshot): void {
    let changed = false;
    for (const { host, state } of snapshot) {
      const report = this.#reports.get(host);
      if (report?.condition !== 'unknown') continue;
      this.#update(host, { condition: fromBreaker[state] });
      changed = true;
    }
    if (changed) this.#changed();
  }

  #changed(): void {
    this.#snapshot = [...this.#reports.values()];
    for (const watcher of this.#watchers) watcher(this.#snapshot);
  }

  #report(host: string): HostReport {
    let report = this.#reports.get(host);
    // biome-ignore lint/suspicious/noAssignInExpressions: the short form: this runs on the sign-in page, within its byte budget
    if (!report) this.#reports.set(host, (report = { host, condition: 'unknown', served: 0, passedOver: 0 }));
    return report;
  }

  #update(host: string, change: Partial<HostReport>): void {
    this.#reports.set(host, { ...this.#report(host), ...change });
  }
}
