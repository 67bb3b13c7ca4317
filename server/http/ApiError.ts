import type { ApiErrorBody } from '../../shared/index.js';

/**
 * Every error (4xx and 5xx) the server answers, with a code clients branch on and a sentence people read. One map of
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
  | 'target-not-found'
  | 'forbidden'
  | 'cross-site-request'
  | 'invalid-url'
  | 'headers-too-large'
  | 'request-timeout'
  | 'rate-limited'
  | 'too-many-sign-ins'
  | 'telemetry-quota-exceeded'
  | 'too-many-heavy-requests'
  | 'too-many-streams'
  | 'overloaded'
  | 'statement-timeout'
  | 'not-ready'
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
  'target-not-found': 404,
  forbidden: 403,
  'cross-site-request': 403,
  'invalid-url': 400,
  'headers-too-large': 431,
  'request-timeout': 408,
  'rate-limited': 429,
  'too-many-sign-ins': 429,
  'telemetry-quota-exceeded': 429,
  'too-many-heavy-requests': 429,
  'too-many-streams': 503,
  overloaded: 429,
  'statement-timeout': 503,
  'not-ready': 503,
  internal: 500,
};

const messages: Record<ApiErrorCode, string> = {
  'invalid-json': 'The request body is not valid JSON.',
  'invalid-request': 'The request does not match the expected shape.',
  'unsupported-media-type': 'Send the request body as application/json.',
  'body-too-large': 'The request body is too large.',
  unauthenticated: 'Sign in first: this request needs a session (the session cookie, or an "Authorization: Bearer <token>" header).',
  'invalid-token': 'The session token is unknown or has expired; sign in again.',
  'invalid-credentials': 'The email or password is wrong.',
  'not-found': 'Nothing is here.',
  'target-not-found': 'An action names a target that does not exist in your tenant.',
  forbidden: 'You may not access this.',
  'cross-site-request': `A change made with the session cookie must come from this app: send the "x-holdfast-request" header, from this origin.`,
  'invalid-url': 'The request URL is malformed.',
  'headers-too-large': 'The request headers are too large.',
  'request-timeout': 'The request took too long to arrive.',
  'rate-limited': 'Too many requests: wait for the time in Retry-After, then try again.',
  'too-many-sign-ins': 'Too many failed sign-ins: wait for the time in Retry-After, then try again.',
  'telemetry-quota-exceeded': 'This tenant has sent its telemetry for today: try again after the time in Retry-After.',
  'too-many-heavy-requests': 'This session has too many syncs or action batches waiting: wait for the time in Retry-After, then try again.',
  'too-many-streams': 'Too many open event streams: try again after the time in Retry-After.',
  overloaded: 'The server is busy and this request can wait: try again after the time in Retry-After.',
  'statement-timeout': 'The database took too long for this request, which can wait: try again later.',
  'not-ready': 'The server cannot reach its database right now.',
  internal: 'The server failed; nothing was changed by the failed part. Try again.',
};

/** An error an app adds for its own routes (e.g. `{ code: 'note-not-found', status: 404, message: … }`). */
export type AppErrorDefinition = { code: string; status: number; message: string };

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(
    code: ApiErrorCode | AppErrorDefinition,
    readonly details?: unknown,
    message?: string,
  ) {
    const definition = typeof code === 'string' ? { code, status: statusOf[code], message: messages[code] } : code;
    super(message ?? definition.message);
    this.code = definition.code;
    this.status = definition.status;
  }

  /** `requestId` on a 5xx: the id the failure is logged under, for the person who reports it. */
  toBody(requestId?: string): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
        ...(requestId === undefined ? {} : { requestId }),
      },
    };
  }
}
