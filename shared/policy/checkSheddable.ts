import { HoldfastError } from '../core/HoldfastError.js';
import { parseRetryAfter } from '../outbox/postActionBatch.js';

/** An answer to give up on: anything but 2xx (`sheddable-refused`), with the server's Retry-After when it sent one. */
export function sheddableRefused(status: number, retryAfterMs: number | undefined): HoldfastError {
  return new HoldfastError('sheddable-refused', { status, retryAfterMs });
}

/**
 * A sheddable call's answer checked: 2xx resolves the Response; anything else rejects with
 * `sheddable-refused`. Apart from SheddableCalls so a client that only makes the call (the sign-in
 * screen's API client) does not load the breaker.
 */
export function checkSheddable(response: Response): Response {
  if (response.ok) return response;
  throw sheddableRefused(response.status, parseRetryAfter(response.headers.get('retry-after'), Date.now()));
}
