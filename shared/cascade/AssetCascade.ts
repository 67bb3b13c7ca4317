import { checkAsset, type ManifestEntry } from './checkAsset.js';
import { cascadeDefaults } from './cascadeDefaults.js';
import { fetchWithDeadlines, type Deadlines } from './fetchWithDeadlines.js';
import { tryHosts, type AttemptFailure, type HostTry } from './tryHosts.js';
import { HoldfastError, isHoldfastError } from '../core/HoldfastError.js';
import type { HostHealth, HostState } from './HostHealth.js';


export type CascadeEvent =
  | { type: 'served'; path: string; host: string; ms: number; failoverMs: number; passedOver: AttemptFailure[] }
  | { type: 'failed'; path: string; passedOver: AttemptFailure[] };

export type AssetCascadeOptions = {
  /** In order of preference; the origin last. */
  hosts: readonly string[];
  /** Build manifest: path → digest and content type. An asset not in it is checked for status and body only. */
  manifest: Readonly<Record<string, ManifestEntry>>;
  health: HostHealth;
  deadlines?: Partial<Deadlines>;
  fetcher?: typeof fetch;
  onEvent?: (event: CascadeEvent) => void;
};

const attemptFailed = (failure: { reason: string; message: string }) => new HoldfastError('attempt-failed', { failure, reason: failure.message });

/**
 * Fetches one static asset through the host cascade: each host in order, moving on at a network error, a
 * deadline, a 5xx, an empty body, a wrong content type or a digest that differs from the build's; a host
 * whose breaker is open is not tried at all. The request's mode and credentials are kept (CORS for
 * scripts and fonts). The origin is the last resort: tried even when its breaker is open.
 */
export class AssetCascade {
  readonly #options: AssetCascadeOptions;
  readonly #deadlines: Deadlines;

  constructor(options: AssetCascadeOptions) {
    this.#options = options;
    this.#deadlines = { firstByteMs: cascadeDefaults.firstByteMs, totalMs: cascadeDefaults.totalMs, ...options.deadlines };
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const { hosts, health, manifest, onEvent } = this.#options;
    const outcome = await tryHosts(hosts, async (host, lastResort): Promise<HostTry<Response>> => {
      const attempt = () => this.#attempt(host, path, init, manifest[path]);
      try {
        return { ok: true, value: await (lastResort && health.state(host) !== 'closed' ? attempt() : health.run(host, attempt)) };
      } catch (error) {
        if (isHoldfastError(error, 'host-skipped')) return { ok: false, reason: `breaker-${error.details.state as HostState}`, message: error.message, skipped: true };
        if (isHoldfastError(error, 'attempt-failed')) return { ok: false, ...(error.details.failure as Omit<HostTry<never> & { ok: false }, 'ok'>) };
        throw error;
      }
    });
    if (outcome.ok) {
      onEvent?.({ type: 'served', path, host: outcome.host, ms: outcome.ms, failoverMs: outcome.failoverMs, passedOver: outcome.passedOver });
      return outcome.value;
    }
    onEvent?.({ type: 'failed', path, passedOver: outcome.passedOver });
    throw new HoldfastError('no-host-could-serve', { path, passedOver: outcome.passedOver, reason: `${path}: ${outcome.passedOver.map((failure) => `${failure.host} (${failure.reason})`).join(', ')}` });
  }

  async #attempt(host: string, path: string, init: RequestInit, expected: ManifestEntry | undefined): Promise<Response> {
    const result = await fetchWithDeadlines(new URL(path, host).href, init, this.#deadlines, this.#options.fetcher);
    if (!result.ok) throw attemptFailed({ reason: result.reason, message: result.message });
    const verdict = await checkAsset(result, expected);
    if (!verdict.ok) throw attemptFailed({ reason: verdict.reason, message: verdict.message });
    return new Response(result.body, { status: result.response.status, statusText: result.response.statusText, headers: result.response.headers });
  }
}
