import { describe, expect, it } from 'vitest';
import { onServerClock } from 'holdfast/internal/server';

const receivedAt = Date.UTC(2026, 11, 5, 14, 0, 0);
const event = (at: number) => ({ id: crypto.randomUUID(), kind: 'reachability' as const, at: new Date(at).toISOString(), detail: {} });

describe("a device's clock, as its telemetry says", () => {
  it('three hours ahead: its events are put back at the times they happened by the server’s clock', () => {
    const ahead = 3 * 3_600_000;
    // Seen offline 10 min and 2 min before the batch left, by a clock 3 h ahead.
    const { events, offsetMs } = onServerClock(
      [event(receivedAt + ahead - 600_000), event(receivedAt + ahead - 120_000)],
      new Date(receivedAt + ahead).toISOString(),
      receivedAt,
    );
    expect(offsetMs).toBe(-ahead);
    expect(events.map((moved) => Date.parse(moved.at))).toEqual([receivedAt - 600_000, receivedAt - 120_000]);
  });

  it('behind by hours, the same the other way', () => {
    const behind = 5 * 3_600_000;
    const { events } = onServerClock([event(receivedAt - behind - 1000)], new Date(receivedAt - behind).toISOString(), receivedAt);
    expect(Date.parse(events[0]!.at)).toBe(receivedAt - 1000);
  });

  it('a clock within a minute, or a batch that does not say (an older worker): the times as given', () => {
    const given = [event(receivedAt - 5000)];
    expect(onServerClock(given, new Date(receivedAt - 20_000).toISOString(), receivedAt)).toEqual({ events: given, offsetMs: 0 });
    expect(onServerClock(given, undefined, receivedAt)).toEqual({ events: given, offsetMs: 0 });
  });
});
