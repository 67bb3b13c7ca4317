import { HoldfastError } from '../core/HoldfastError.js';
import type { ApiErrorBody } from '../core/protocol.js';
import { isGatewayError } from './gatewayError.js';

/** How a request goes out: the global fetch, or one that picks where (ApiOrigins' fetch). */
export type Fetcher = (input: string, init: RequestInit) => Promise<Response>;

/** The code of an error answer that carried none of the API's own (a gateway's HTML page, say). */
const noApiCode = 'http-error';

/**
 * A failed API call, as a HoldfastError: `api-unreachable` (no answer, or a gateway's: gatewayError.ts), `api-timeout` (none in time), or
 * `api-refused` (the server's error: its `status`, `serverCode` and words). Tells them apart for reachability.
 */
export function apiRequestError(status: number, serverCode: string, message?: string, retryAfter?: string | null): HoldfastError {
  if (status === 0) return new HoldfastError(serverCode === 'timeout' ? 'api-timeout' : 'api-unreachable', { status, reason: message });
  if (isGatewayError(status, serverCode !== noApiCode)) return new HoldfastError('api-unreachable', { status, reason: `a gateway answered ${status}` });
  return new HoldfastError('api-refused', { status, serverCode, message, retryAfter: retryAfter ?? undefined });
}

/**
 * What every request of a page (and of the worker's Background Sync) adds: with a cookie session the
 * browser sends the HttpOnly cookie itself, and this header is the reference server's CSRF check.
 */
export const apiRequestHeaders: Record<string, string> = { 'x-holdfast-request': '1' };

export type JsonApiOptions = {
  /** A 401 on anything but sign-in and sign-out: the session is gone (the app shows its sign-in). */
  onUnauthorized?: () => void;
  /** Prepended to every path; default '' (same origin). */
  baseUrl?: string;
  /** Default: the global fetch. ApiOrigins' fetch sends each request to the region in rotation. */
  fetch?: Fetcher;
};

/** A JSON request: the answer's body, or an apiRequestError (a HoldfastError) with the server's code and message. */
export type JsonRequest = <T>(path: string, init?: RequestInit) => Promise<T>;

/**
 * The reference server's HTTP conventions in one function, so each app's API client is a list of its
 * endpoints: JSON bodies, the CSRF header, cookies on same-origin, errors as `{ error: { code, message } }`,
 * and "no answer at all" (network, deadline) told apart from an answer (status 0: `unreachable`/`timeout`).
 */
export function jsonApi({ onUnauthorized = () => {}, baseUrl = '', fetch: send = (input, init) => fetch(input, init) }: JsonApiOptions = {}): JsonRequest {
  return async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(apiRequestHeaders)) headers.set(name, value);
    if (init.body) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await send(baseUrl + path, { ...init, headers, credentials: 'same-origin' });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw apiRequestError(0, timedOut ? 'timeout' : 'unreachable');
    }
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => null)) as T | ApiErrorBody | null;
    if (response.ok && body === null) throw apiRequestError(0, 'unreachable', 'The answer was cut off.');
    if (!response.ok) {
      const error = (body as ApiErrorBody | null)?.error;
      if (response.status === 401 && path !== '/api/login' && path !== '/api/logout') onUnauthorized();
      throw apiRequestError(
        response.status,
        error?.code ?? noApiCode,
        error?.message ?? `The server answered ${response.status}.`,
        response.headers.get('retry-after'),
      );
    }
    return body as T;
  };
}
