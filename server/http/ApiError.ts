import type { ApiErrorBody } from '../../shared/index.js';

/**
 * Every 4xx the server answers, with a code clients branch on and a sentence people read. One map of
 * messages, so the wording is consistent and reviewable in one place.
 */
export type ApiErrorCode =
  | 'invalid-json'
  | 'invalid-request'
  | 'unsupported-media-type'
  | 'body-too-large'
  | 'unauthenticated'
  | 'invalid-token'
  | 'invalid-credentials'
  | 'not-found'
  | 'conversation-not-found'
  | 'forbidden'
  | 'internal';

const statusOf: Record<ApiErrorCode, number> = {
  'invalid-json': 400,
  'invalid-request': 400,
  'unsupported-media-type': 415,
  'body-too-large': 413,
  unauthenticated: 401,
  'invalid-token': 401,
  'invalid-credentials': 401,
  'not-found': 404,
  'conversation-not-found': 404,
  forbidden: 403,
  internal: 500,
};

const messages: Record<ApiErrorCode, string> = {
  'invalid-json': 'The request body is not valid JSON.',
  'invalid-request': 'The request does not match the expected shape.',
  'unsupported-media-type': 'Send the request body as application/json.',
  'body-too-large': 'The request body is too large.',
  unauthenticated: 'Sign in first: this request needs an "Authorization: Bearer <token>" header.',
  'invalid-token': 'The session token is unknown or has expired; sign in again.',
  'invalid-credentials': 'The email or password is wrong.',
  'not-found': 'Nothing is here.',
  'conversation-not-found': 'No such conversation in your workspace.',
  forbidden: 'You may not access this.',
  internal: 'The server failed; nothing was changed by the failed part. Try again.',
};

export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: ApiErrorCode, readonly details?: unknown, message?: string) {
    super(message ?? messages[code]);
    this.status = statusOf[code];
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
