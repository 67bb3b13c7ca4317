/**
 * A load balancer's or proxy's answer, not the API's: the API behind it could not be reached.
 * Reachability, the outbox and its poison-action search treat it as no answer at all (the API is down,
 * nothing is wrong with what was sent).
 * - 502 Bad Gateway and 504 Gateway Timeout, always.
 * - 503 when it is not the API's own: HAProxy answers 503 with an HTML page ("No server is available")
 *   once its health checks have taken every node out, as when the database is down or every node is
 *   gone. The API's own 503 (shedding, a statement timeout) carries its JSON error and means "later".
 *   `fromApi`: the answer carries the API's JSON error.
 */
export const isGatewayError = (status: number, fromApi = false): boolean => status === 502 || status === 504 || (status === 503 && !fromApi);
