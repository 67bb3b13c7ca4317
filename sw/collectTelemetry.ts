import { Queue } from 'workbox-background-sync';
import { telemetrySentAtHeader, type TelemetryEvent } from '../shared/client.js';

declare const self: ServiceWorkerGlobalScope;

export type TelemetryOptions = {
  /** Where batches go; default `/api/telemetry`. */
  endpoint?: string;
  /** The Background Sync queue's name (its IndexedDB records and its sync tag); default `holdfast-telemetry`. */
  queueName?: string;
  /** The message type pages post batches with (`{ type, events }`); default `holdfast:telemetry`. */
  message?: string;
  /** Headers every batch carries (the API's CSRF marker); never a credential: the cookie is the browser's. */
  headers?: Record<string, string>;
  /** How long an unsent batch is kept, in minutes; default a week. */
  maxRetentionMinutes?: number;
};

export type TelemetryCollector = {
  /** Queues a batch from the worker itself. */
  record(events: readonly TelemetryEvent[]): Promise<void>;
  /** Drops every queued batch (sign-out). */
  clear(): Promise<void>;
};

/**
 * Client telemetry that survives offline periods: pages post batches to the worker, which queues each as
 * a request in workbox-background-sync's Queue (IndexedDB) and sends them when the browser says the
 * network is back (Background Sync), or at once when it can.
 *
 * The Queue's own replay keeps a request only when fetch throws; one answered 503 (a server shedding
 * load) or 500 would be dropped as sent. Its `onSync` here keeps those: a 5xx, a 429 or a network error
 * puts the request back at the head of the queue and fails the sync, so the browser tries again later
 * with its own backoff. A 4xx other than 408/429 is dropped: sending the same bytes again cannot succeed.
 */
export function collectTelemetry({
  endpoint = '/api/telemetry',
  queueName = 'holdfast-telemetry',
  message = 'holdfast:telemetry',
  headers = { 'x-holdfast-request': '1' },
  maxRetentionMinutes = 7 * 24 * 60,
}: TelemetryOptions = {}): TelemetryCollector {
  const queue = new Queue(queueName, {
    maxRetentionTime: maxRetentionMinutes,
    onSync: async ({ queue }) => {
      for (let entry = await queue.shiftRequest(); entry; entry = await queue.shiftRequest()) {
        let status: number;
        try {
          // Stamped now, as it leaves: the server reads the device's clock from it (telemetrySentAtHeader).
          const request = entry.request.clone();
          const stamped = new Headers(request.headers);
          stamped.set(telemetrySentAtHeader, new Date().toISOString());
          status = (await fetch(new Request(request, { headers: stamped }), { credentials: 'same-origin' })).status;
        } catch (error) {
          await queue.unshiftRequest(entry);
          throw error;
        }
        if (status >= 500 || status === 429 || status === 408) {
          await queue.unshiftRequest(entry);
          throw new Error(`telemetry answered ${status}: kept for the next sync`);
        }
      }
    },
  });

  const record = async (events: readonly TelemetryEvent[]) => {
    if (events.length === 0) return;
    const request = new Request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ events }),
      credentials: 'same-origin',
    });
    await queue.pushRequest({ request });
  };

  self.addEventListener('message', (event) => {
    const data = event.data as { type?: string; events?: TelemetryEvent[] } | null;
    if (data?.type !== message || !Array.isArray(data.events)) return;
    event.waitUntil(record(data.events));
  });

  return {
    record,
    clear: async () => {
      while (await queue.shiftRequest());
    },
  };
}
