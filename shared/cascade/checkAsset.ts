import type { AnswerReason } from './failureReason.js';
import type { Attempt } from './fetchWithDeadlines.js';

/** What the build says an asset is: its digest, and the content type it must be served with. */
export type ManifestEntry = { sha256: string; contentType: string; size: number };

export type Verdict = { ok: true } | { ok: false; reason: Exclude<AnswerReason, 'network' | 'first-byte-timeout' | 'total-timeout'>; message: string };

// The HTML standard's "JavaScript MIME type essence" aliases: CDNs and servers send any of these.
const javascriptTypes = new Set(['text/javascript', 'application/javascript', 'application/x-javascript', 'text/ecmascript', 'application/ecmascript']);

/** Whether a served Content-Type is the one the build requires (parameters aside; JavaScript's aliases alike). */
export function contentTypeMatches(served: string | null, expected: string): boolean {
  const type = (served ?? '').split(';')[0]!.trim().toLowerCase();
  return type === expected || (javascriptTypes.has(type) && javascriptTypes.has(expected));
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(body: ArrayBuffer): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', body));
}

/**
 * Whether a host's answer may be used. A 5xx or any non-200, an empty body, a wrong content type (an
 * HTML error page served as a script) or bytes whose digest differs from the build's (a stale or tampered
 * mirror) all move the cascade on to the next host.
 */
/** What an answer is checked against: the content type, and the digest when it is known (the page checks it with SRI). */
export type AssetExpectation = { contentType: string; sha256?: string };

export async function checkAsset(attempt: Extract<Attempt, { ok: true }>, expected: AssetExpectation | undefined): Promise<Verdict> {
  const { response, body } = attempt;
  if (response.status >= 500) return { ok: false, reason: 'server-error', message: `The host answered ${response.status}.` };
  if (response.status !== 200) return { ok: false, reason: 'http-status', message: `The host answered ${response.status}.` };
  if (body.byteLength === 0) return { ok: false, reason: 'empty-body', message: 'The host answered with an empty body.' };
  if (!expected) return { ok: true };
  const served = response.headers.get('content-type');
  if (!contentTypeMatches(served, expected.contentType)) {
    return { ok: false, reason: 'wrong-content-type', message: `Served as "${served ?? 'nothing'}", the build says "${expected.contentType}".` };
  }
  if (expected.sha256 === undefined) return { ok: true };
  const digest = await sha256Hex(body);
  if (digest !== expected.sha256)
    return { ok: false, reason: 'digest-mismatch', message: `Its SHA-256 is ${digest.slice(0, 12)}…, the build's ${expected.sha256.slice(0, 12)}….` };
  return { ok: true };
}
