import { tryHosts, type AttemptFailure } from '../cascade/tryHosts.js';
import type { Fetcher } from './jsonApi.js';

/** Statuses that say the region, not the request, is sick: its proxy has no healthy node behind it. */
export const regionDownStatuses: ReadonlySet<number> = new Set([502, 503, 504]);

/** Cross-origin regions are asked with credentials, so the session cookie (scoped to their common domain) goes along. */
export const credentialsFor = (origin: string): RequestCredentials => (origin === '' ? 'same-origin' : 'include');

/**
 * The API's regions without breakers or probes: each request tries them in order until one answers
 * (no answer, or 502–504, moves on; the last region's answer is returned as it is). For a page that makes
 * a request or two — the sign-in screen — where ApiOrigins' breakers (cockatiel) would cost more to load
 * than they save. `''` is the page's own origin.
 */
export function firstAnswering(origins: readonly string[], send: Fetcher = (input, init) => fetch(input, init)): Fetcher {
  const list = origins.length > 0 ? origins : [''];
  return async (path, init) => {
    let last: Response | undefined;
    const outcome = await tryHosts(list, async (origin, lastResort) => {
      try {
        const response = await send(origin + path, { ...init, credentials: credentialsFor(origin) });
        if (!regionDownStatuses.has(response.status)) return { ok: true, value: response };
        if (lastResort) last = response;
        return { ok: false, reason: `status-${response.status}`, message: `answered ${response.status}` };
      } catch (error) {
        if (init.signal?.aborted) throw error;
        return { ok: false, reason: 'network', message: (error as Error).message };
      }
    });
    if (outcome.ok) return outcome.value;
    if (last) return last;
    throw noRegionAnswered(outcome.passedOver);
  };
}

/** What fetch would throw: no region answered at all, with each one's reason. */
export const noRegionAnswered = (failures: readonly AttemptFailure[]) =>
  new TypeError(`No API region answered: ${failures.map((failure) => `${failure.host || 'this origin'} (${failure.reason})`).join(', ')}`);
