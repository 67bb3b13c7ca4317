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
  | 'storage-full';

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
};

export class HoldfastError extends Error {
  readonly code: HoldfastErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: HoldfastErrorCode, details: Record<string, unknown> = {}) {
    const detail = typeof details.reason === 'string' ? ` ${details.reason}` : '';
    super(`${messages[code]}${detail}`);
    this.name = 'HoldfastError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is a HoldfastError with `code`: a type guard for branching on codes. */
export function isHoldfastError(error: unknown, code?: HoldfastErrorCode): error is HoldfastError {
  return error instanceof HoldfastError && (code === undefined || error.code === code);
}
