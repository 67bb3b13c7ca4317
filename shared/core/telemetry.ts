/**
 * Client telemetry: what a browser saw that the server cannot — its reachability, its breakers, its CDN
 * failovers, its outbox. Sent in batches through the service worker's Background Sync queue, kept by the
 * server for the incident timeline. Sheddable: a busy server refuses it first, and the queue keeps it.
 */
export const telemetryKinds = ['reachability', 'breaker', 'failover', 'outbox'] as const;
export type TelemetryKind = (typeof telemetryKinds)[number];
/** Flat facts: a host, a state, a count, a duration. Nothing about a user's data. */
export type TelemetryDetail = Record<string, string | number | boolean | null>;
export type TelemetryEvent = { id: string; kind: TelemetryKind; at: string; detail: TelemetryDetail };

export const telemetryLimits = { maxEvents: 100, maxDetailKeys: 16, maxStringLength: 300 } as const;

/**
 * The device's time as it sends a batch (ISO 8601), set by the worker at the moment of sending. The server
 * compares it with its own clock: a device whose clock is hours off stamps its events hours off too, and the
 * difference puts them back at the time they happened (telemetryRoutes). Sent as a header, so that a batch
 * queued for days keeps its body as it was written.
 */
export const telemetrySentAtHeader = 'x-holdfast-sent-at';
