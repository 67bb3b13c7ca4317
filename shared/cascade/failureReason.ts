/** A host not asked at all, and why: its breaker (worker), a mark from an earlier load (page), or silence. */
export type SkipReason = 'breaker-open' | 'breaker-half-open' | 'marked-down' | 'silent';
/** A host asked for one asset that did not serve it (fetchWithDeadlines, checkAsset, or the browser's integrity check). */
export type AnswerReason =
  | 'network'
  | 'first-byte-timeout'
  | 'total-timeout'
  | 'server-error'
  | 'http-status'
  | 'empty-body'
  | 'wrong-content-type'
  | 'digest-mismatch';

/**
 * Why a host was passed over: one closed list for the worker's cascade, the page loader and the API's
 * regions (ApiOrigins, firstAnswering), so monitoring reads them alike. `hedged`: another host answered
 * first. `last-chance-…`: the patient last try of a host passed over before failed too. `status-…`: an API
 * region answered that error.
 */
export type FailureReason = SkipReason | AnswerReason | 'hedged' | `last-chance-${AnswerReason}` | `status-${number}`;

/** Passed over for being down, skipped or slow, not for a wrong answer: worth a last, patient try when every host failed. */
export function isRetriable(reason: FailureReason): boolean {
  return (
    reason === 'breaker-open' ||
    reason === 'breaker-half-open' ||
    reason === 'marked-down' ||
    reason === 'silent' ||
    reason === 'first-byte-timeout' ||
    reason === 'total-timeout' ||
    reason === 'hedged'
  );
}
