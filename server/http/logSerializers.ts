import { stdSerializers } from 'pino';

type SerializedError = { [key: string]: unknown; type: string; message: string; stack: string };

/** Longest string field of an error the log keeps whole; past it, the start and how long it was. */
const maxFieldLength = 500;

/**
 * Pino's error serializer, minus what may carry a tenant's data: PGlite puts a failed query's parameters
 * on its error (`params`, `queryOptions`) — a whole batch of actions, or a telemetry batch, as one JSON
 * string — and the standard serializer copies every field it finds. Parameters are dropped; any other long
 * string (a query's text, PostgreSQL's `detail`, a message quoting the value it could not take) is cut to
 * its start.
 */
export function errorWithoutData(error: Error): SerializedError {
  const serialized = stdSerializers.err(error) as unknown as SerializedError;
  delete serialized.params;
  delete serialized.queryOptions;
  for (const [key, value] of Object.entries(serialized)) {
    // The stack is longer by nature, but its first line is the message, which may quote a value.
    const limit = key === 'stack' ? 4 * maxFieldLength : maxFieldLength;
    if (typeof value === 'string' && value.length > limit) serialized[key] = `${value.slice(0, limit)}… (${value.length} characters)`;
  }
  return serialized;
}
