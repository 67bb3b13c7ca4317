/**
 * A check shared by every caller for `ttlMs`: callers within that get the last answer, and callers while
 * it runs share the run. For public, unauthenticated endpoints that read the database (/readyz, /status):
 * a flood of them costs one read a second, not one each.
 */
export function cachedCheck<T>(check: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; result: Promise<T> } | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return last.result;
    const result = check();
    last = { at: now(), result };
    // A failed check is an answer too (the database is down), cached like any other.
    result.catch(() => undefined);
    return result;
  };
}
