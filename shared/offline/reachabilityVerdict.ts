import { isHoldfastError } from '../core/HoldfastError.js';

/**
 * What one read's outcome says about the server, one rule for every app: an answer, even an error status,
 * means it is reachable (a gateway's 502 or 504 is no answer: jsonApi makes it `api-unreachable`); a read past its deadline means slow (until a probe says it is gone); no answer at
 * all means unreachable. Anything else (a bug, an IndexedDB error while storing the answer) says nothing.
 */
export function reachabilityVerdict(outcome: unknown): 'reachable' | 'slow' | 'unreachable' | 'unknown' {
  if (isHoldfastError(outcome, 'api-timeout')) return 'slow';
  if (isHoldfastError(outcome, 'api-unreachable')) return 'unreachable';
  return isHoldfastError(outcome, 'api-refused') ? 'reachable' : 'unknown';
}
