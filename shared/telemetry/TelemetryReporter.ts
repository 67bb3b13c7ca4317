import { newActionId } from '../core/actionId.js';
import { telemetryLimits, type TelemetryDetail, type TelemetryEvent, type TelemetryKind } from '../core/telemetry.js';

/** Events kept while no worker controls the page; past it, the oldest go (telemetry is sheddable). */
const maxKeptEvents = 5 * telemetryLimits.maxEvents;

export type TelemetryReporterOptions = {
  /** The message the worker's `collectTelemetry` listens for; default `holdfast:telemetry`. */
  message?: string;
  /** How long events gather before they go to the worker as one batch; default 5 s. */
  flushMs?: number;
  /** Where a batch goes: default, the controlling service worker (kept, bounded, until one controls the page). */
  send?: (events: TelemetryEvent[]) => void;
  now?: () => number;
  /**
   * Calls `hidden` when the page is hidden (it may not come back), answering how to stop watching: the
   * page's `visibilitychange`. The core has no DOM; without it, batches wait for their timer.
   */
  watchHidden?: (hidden: () => void) => () => void;
};

/**
 * The page's side of client telemetry: `report(kind, detail)` from anywhere (reachability, breakers,
 * failovers, outbox), gathered for a few seconds and posted to the service worker as one batch, which
 * queues it for Background Sync (sw `collectTelemetry`). A hidden page flushes at once: it may not come back.
 */
export class TelemetryReporter {
  readonly #options: Required<Omit<TelemetryReporterOptions, 'send' | 'watchHidden'>> & Pick<TelemetryReporterOptions, 'send'>;
  #buffer: TelemetryEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waitingForWorker = false;
  readonly #unwatch: () => void;

  constructor(options: TelemetryReporterOptions = {}) {
    this.#options = { message: options.message ?? 'holdfast:telemetry', flushMs: options.flushMs ?? 5000, now: options.now ?? Date.now, send: options.send };
    this.#unwatch = options.watchHidden?.(() => this.flush()) ?? (() => {});
  }

  report(kind: TelemetryKind, detail: TelemetryDetail = {}): void {
    this.#buffer.push({ id: newActionId(), kind, at: new Date(this.#options.now()).toISOString(), detail });
    if (this.#buffer.length >= telemetryLimits.maxEvents) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#options.flushMs);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // No worker controls the page yet (a new device's first load, while its worker installs): the batch is
    // kept, bounded, and handed over once one does. Dropped, a new device's first failovers — what tells
    // that a CDN is down — never reached the server (chaos: cdn-both-down's second CDN went unalerted).
    const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
    if (!this.#options.send && container && !container.controller) {
      if (this.#buffer.length > maxKeptEvents) this.#buffer.splice(0, this.#buffer.length - maxKeptEvents);
      if (!this.#waitingForWorker) {
        this.#waitingForWorker = true;
        container.addEventListener(
          'controllerchange',
          () => {
            this.#waitingForWorker = false;
            this.flush();
          },
          { once: true },
        );
      }
      return;
    }
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, telemetryLimits.maxEvents);
      if (this.#options.send) this.#options.send(batch);
      else container?.controller?.postMessage({ type: this.#options.message, events: batch });
    }
  }

  stop(): void {
    this.flush();
    this.#unwatch();
  }
}
