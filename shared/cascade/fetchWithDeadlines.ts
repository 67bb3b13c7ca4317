/**
 * One attempt at one host, with two deadlines: time to first byte (headers) and total (the whole body).
 * Either one really aborts the request (AbortController), so a host that accepts the connection and never
 * answers — a blackholed CDN edge — costs its deadline once, not a hung request.
 */
export type Deadlines = {
  /** Until the response headers arrive; default 3 s. */
  firstByteMs: number;
  /** Until the whole body is read; default 15 s. */
  totalMs: number;
};

export type Attempt =
  | { ok: true; response: Response; body: ArrayBuffer; ms: number /** Until the response headers arrived. */; headersMs: number }
  | { ok: false; reason: 'network' | 'first-byte-timeout' | 'total-timeout'; message: string; ms: number };

export async function fetchWithDeadlines(url: string, init: RequestInit, deadlines: Deadlines, fetcher: typeof fetch = fetch): Promise<Attempt> {
  const started = Date.now();
  const controller = new AbortController();
  const outer = init.signal;
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timedOut: 'first-byte-timeout' | 'total-timeout' | undefined;
  const firstByte = setTimeout(() => {
    timedOut = 'first-byte-timeout';
    controller.abort();
  }, deadlines.firstByteMs);
  const total = setTimeout(() => {
    timedOut ??= 'total-timeout';
    controller.abort();
  }, deadlines.totalMs);
  try {
    const response = await fetcher(url, { ...init, signal: controller.signal });
    clearTimeout(firstByte);
    const headersMs = Date.now() - started;
    const body = await response.arrayBuffer();
    return { ok: true, response, body, ms: Date.now() - started, headersMs };
  } catch (error) {
    const reason = timedOut ?? 'network';
    const message = timedOut
      ? `No ${timedOut === 'first-byte-timeout' ? 'answer' : 'complete body'} within ${timedOut === 'first-byte-timeout' ? deadlines.firstByteMs : deadlines.totalMs} ms.`
      : (error as Error).message;
    return { ok: false, reason, message, ms: Date.now() - started };
  } finally {
    clearTimeout(firstByte);
    clearTimeout(total);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
