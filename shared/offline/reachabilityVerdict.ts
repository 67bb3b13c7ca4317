import { ApiRequestError } from '../http/jsonApi.js';

/**
 * What one read's outcome says about the server, one rule for every app: an answer, even an error status,
 * means it is reachable; a read past its deadline means slow (until a probe says it is gone); no answer at
 * all means unreachable. Anything else (a bug, an IndexedDB error while storing the answer) says nothing.
 */
export function reachabilityVerdict(outcome: unknown): 'reachable' | 'slow' | 'unreachable' | 'unknown' {
  if (!(outcome instanceof ApiRequestError)) return 'unknown';
  if (outcome.code === 'timeout') return 'slow';
  return outcome.status === 0 ? 'unreachable' : 'reachable';
}
