/**
 * The one error class of the framework core. Every failure has a machine-readable `code` from a closed
 * union and a human message kept in one map, so callers branch on codes and people read sentences.
 * `details` carries what the message names (a host, a path, the failures on the way).
 */
export type HoldfastErrorCode =
  | 'invalid-action'
  | 'unknown-action-type'
  | 'duplicate-action-type'
  | 'invalid-batch'
  /** A host is not to be tried now: its breaker is open, or its one probe is under way. */
  | 'host-skipped'
  /** One try of one asset on one host failed (deadline, status, body, type, digest). */
  | 'attempt-failed'
  /** Every host, the origin included, failed for one asset. */
  | 'no-host-could-serve'
  | 'unknown-host'
  /** A Background Sync replay got no usable answer: the browser fires the event again later. */
  | 'replay-will-retry'
  /** The device's storage is full: an action could not be queued (it was not, and nothing else was lost). */
  | 'storage-full'
  /** An API call got no answer at all (network, refused connection, a cut answer). */
  | 'api-unreachable'
  /** An API call got no answer within its deadline. */
  | 'api-timeout'
  /** The server answered an API call with an error: `details` has its `status`, `serverCode`, `retryAfter`, and its words as the message. */
  | 'api-refused'
  /** A sheddable call was answered anything but 2xx: `details` has the `status` and `retryAfterMs`. */
  | 'sheddable-refused';

const messages: Record<HoldfastErrorCode, string> = {
  'invalid-action': 'The action does not match its schema.',
  'unknown-action-type': 'No action of this type is registered.',
  'duplicate-action-type': 'An action of this type is already registered.',
  'invalid-batch': 'The batch of actions is malformed.',
  'host-skipped': 'The host is not tried now.',
  'attempt-failed': 'The host did not serve the asset.',
  'no-host-could-serve': 'No host could serve the asset.',
  'unknown-host': 'The host is not one of the configured hosts.',
  'replay-will-retry': 'The outbox replay got no usable answer; the browser will retry.',
  'storage-full': "This device's storage is full: the action was not saved.",
  'api-unreachable': 'The server cannot be reached.',
  'api-timeout': 'The server did not answer in time.',
  'api-refused': 'The server refused the request.',
  'sheddable-refused': 'The server shed or refused the call.',
};

export class HoldfastError extends Error {
  readonly code: HoldfastErrorCode;
  readonly details: Record<string, unknown>;

  /** `details.message`: the whole message instead of the code's (the server's own words, for `api-refused`). */
  constructor(code: HoldfastErrorCode, details: Record<string, unknown> = {}) {
    const detail = typeof details.reason === 'string' ? ` ${details.reason}` : '';
    super(typeof details.message === 'string' ? details.message : `${messages[code]}${detail}`);
    this.name = 'HoldfastError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is a HoldfastError with `code`: a type guard for branching on codes. */
export function isHoldfastError(error: unknown, code?: HoldfastErrorCode): error is HoldfastError {
  return error instanceof HoldfastError && (code === undefined || error.code === code);
}
