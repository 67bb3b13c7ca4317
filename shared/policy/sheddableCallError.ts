import { parseRetryAfter } from '../outbox/postActionBatch.js';

/** An answer to give up on: anything but 2xx, with the server's Retry-After when it sent one. */
export class SheddableCallError extends Error {
  constructor(readonly status: number, readonly retryAfterMs: number | undefined) {
    super(`sheddable call answered ${status}`);
  }
}

/**
 * A sheddable call's answer checked: 2xx resolves the Response; anything else rejects with
 * SheddableCallError. Apart from SheddableCalls so a client that only makes the call (the sign-in
 * screen's API client) does not load the breaker.
 */
export function checkSheddable(response: Response): Response {
  if (response.ok) return response;
  throw new SheddableCallError(response.status, parseRetryAfter(response.headers.get('retry-after'), Date.now()));
}
