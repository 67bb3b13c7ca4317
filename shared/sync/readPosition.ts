/**
 * Reads that never go back behind a read replica (docs/protocol.md, "Behind a read replica"). The server hands out
 * positions in its write-ahead log: after a write (a cookie the browser carries by itself), and in the data
 * of every event-stream event (`position`). A pull prompted by an event sends that event's position in
 * this header: a standby that has not replayed the announced change yet either catches up first or leaves
 * the read to the primary. Without it, the pull could come back without the change, and nothing would
 * announce it again.
 */
export const minPositionHeader = 'holdfast-min-position';

/** The position in an event's data (JSON), if any: a server without a read replica sends none. */
export function eventReadPosition(data: string | undefined): string | undefined {
  if (!data) return undefined;
  try {
    const position = (JSON.parse(data) as { position?: unknown }).position;
    return typeof position === 'string' ? position : undefined;
  } catch {
    return undefined;
  }
}
