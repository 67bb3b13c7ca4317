import type { Fetcher } from '../http/jsonApi.js';
import type { ActionBatchResponse, ActionEnvelope, ActionResult, ApiErrorBody } from '../core/protocol.js';
import { isGatewayError } from '../http/gatewayError.js';

/** What became of one request carrying a batch, as the replayer needs to know it. */
export type BatchOutcome =
  | { kind: 'answered'; results: ActionResult[] }
  /**
   * No usable answer (network error, deadline, cut body, 5xx, 408, 429): send again later. `status`: the
   * HTTP status when the server did answer (the replayer looks for a poison action behind repeated 5xx).
   */
  | { kind: 'retry'; code: string; message: string; status?: number; retryAfterMs?: number }
  /** The session is no longer valid: stop until the agent signs in again. */
  | { kind: 'unauthorized' }
  /** The server refuses the request itself (another 4xx): something in this batch can never go as it is. */
  | { kind: 'refused'; status: number; code: string; message: string };

export type BatchTransport = (actions: readonly ActionEnvelope[], signal: AbortSignal) => Promise<BatchOutcome>;

export type HttpTransportOptions = {
  /** The action endpoint, e.g. `/api/actions`. */
  url: string;
  /**
   * Headers that authorise the request, read at send time (the outbox never stores them): e.g. a CSRF
   * header beside an HttpOnly session cookie, which the browser adds itself, or `authorization` for a
   * bearer token. Null: not signed in, so nothing is sent.
   */
  headers: () => Record<string, string> | null | Promise<Record<string, string> | null>;
  /** Default: the global fetch. ApiOrigins' fetch sends each batch to the region in rotation. */
  fetch?: Fetcher;
  now?: () => number;
};

/** `POST` a batch to the protocol's endpoint and classify the answer. */
export function httpBatchTransport(options: HttpTransportOptions): BatchTransport {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  return async (actions, signal) => {
    const auth = await options.headers();
    if (!auth) return { kind: 'unauthorized' };
    let response: Response;
    try {
      response = await send(options.url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ actions }),
        signal,
        cache: 'no-store',
        credentials: 'same-origin',
      });
    } catch (error) {
      const timedOut = signal.aborted;
      return {
        kind: 'retry',
        code: timedOut ? 'timeout' : 'unreachable',
        message: timedOut ? 'The server did not answer in time.' : `The server cannot be reached (${(error as Error).message}).`,
      };
    }
    const body = (await response.json().catch(() => null)) as ActionBatchResponse | ApiErrorBody | null;
    if (response.ok) {
      const results = (body as ActionBatchResponse | null)?.results;
      if (Array.isArray(results)) return { kind: 'answered', results };
      return { kind: 'retry', code: 'cut-off', message: 'The answer was cut off.' };
    }
    const error = (body as ApiErrorBody | null)?.error;
    const code = error?.code ?? `http-${response.status}`;
    const message = error?.message ?? `The server answered ${response.status}.`;
    if (response.status === 401) return { kind: 'unauthorized' };
    if (isGatewayError(response.status, error?.code !== undefined))
      return { kind: 'retry', code: 'unreachable', message: `The server cannot be reached (a gateway answered ${response.status}).`, status: response.status };
    if (response.status === 408 || response.status === 429 || response.status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
      const retry: BatchOutcome = { kind: 'retry', code, message, status: response.status };
      if (retryAfterMs !== undefined) retry.retryAfterMs = retryAfterMs;
      return retry;
    }
    return { kind: 'refused', status: response.status, code, message };
  };
}

/** `Retry-After` is either seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
