/**
 * The one error class of the framework core. Every failure has a machine-readable `code` from a closed
 * union and a human message kept in one map, so callers branch on codes and people read sentences.
 */
export type HoldfastErrorCode =
  | 'invalid-action'
  | 'unknown-action-type'
  | 'duplicate-action-type'
  | 'invalid-batch';

const messages: Record<HoldfastErrorCode, string> = {
  'invalid-action': 'The action does not match its schema.',
  'unknown-action-type': 'No action of this type is registered.',
  'duplicate-action-type': 'An action of this type is already registered.',
  'invalid-batch': 'The batch of actions is malformed.',
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
