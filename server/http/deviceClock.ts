import type { TelemetryEvent } from '../../shared/index.js';

/**
 * Within this, a device's clock and the server's are taken to agree (the request's own transit, a clock a
 * little off): its events keep the times it gave.
 */
const agreeWithinMs = 60_000;

/**
 * A batch's events at the times they happened by the server's clock. A device whose clock is hours off
 * stamps its events hours off: on an incident's timeline they would land hours away from the outage they
 * belong to, or in another incident. The device says what its clock read as it sent the batch (`sentAt`,
 * telemetrySentAtHeader); the difference from the server's clock at receipt is how far off it is, and each
 * event is moved by it. Batches without it (an older worker) are taken as they are. The difference is the
 * one at sending: a batch queued offline while the clock was set right is moved by what is off then.
 */
export function onServerClock(
  events: readonly TelemetryEvent[],
  sentAt: string | undefined,
  receivedAt: number,
): { events: TelemetryEvent[]; offsetMs: number } {
  const sent = sentAt === undefined ? Number.NaN : Date.parse(sentAt);
  const offsetMs = Number.isFinite(sent) ? receivedAt - sent : 0;
  if (Math.abs(offsetMs) <= agreeWithinMs) return { events: [...events], offsetMs: 0 };
  return { events: events.map((event) => ({ ...event, at: new Date(Date.parse(event.at) + offsetMs).toISOString() })), offsetMs };
}
