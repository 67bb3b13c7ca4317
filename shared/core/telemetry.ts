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
