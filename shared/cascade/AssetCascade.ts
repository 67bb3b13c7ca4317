import { checkAsset, type ManifestEntry } from './checkAsset.js';
import { fetchWithDeadlines, type Deadlines } from './fetchWithDeadlines.js';
import { HoldfastError, isHoldfastError } from '../core/HoldfastError.js';
import type { HostHealth, HostState } from './HostHealth.js';

/** Why a host was passed over for one asset. */
export type AttemptFailure = { host: string; reason: string; message: string; ms: number };

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

const attemptFailed = (failure: Omit<AttemptFailure, 'host'>) => new HoldfastError('attempt-failed', { ...failure, failure, reason: failure.message });

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
    this.#deadlines = { firstByteMs: 3000, totalMs: 15_000, ...options.deadlines };
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const { hosts, health, manifest, onEvent } = this.#options;
    const passedOver: AttemptFailure[] = [];
    const started = Date.now();
    for (const [index, host] of hosts.entries()) {
      const lastResort = index === hosts.length - 1;
      const attempt = () => this.#attempt(host, path, init, manifest[path]);
      try {
        const response = await (lastResort && health.state(host) !== 'closed' ? attempt() : health.run(host, attempt));
        const ms = Date.now() - started;
        onEvent?.({ type: 'served', path, host, ms, failoverMs: passedOver.reduce((sum, failure) => sum + failure.ms, 0), passedOver });
        return response;
      } catch (error) {
        if (isHoldfastError(error, 'host-skipped')) passedOver.push({ host, reason: `breaker-${error.details.state as HostState}`, message: error.message, ms: 0 });
        else if (isHoldfastError(error, 'attempt-failed')) passedOver.push({ host, ...(error.details.failure as Omit<AttemptFailure, 'host'>) });
        else throw error;
      }
    }
    onEvent?.({ type: 'failed', path, passedOver });
    throw new HoldfastError('no-host-could-serve', { path, passedOver, reason: `${path}: ${passedOver.map((failure) => `${failure.host} (${failure.reason})`).join(', ')}` });
  }

  async #attempt(host: string, path: string, init: RequestInit, expected: ManifestEntry | undefined): Promise<Response> {
    const result = await fetchWithDeadlines(new URL(path, host).href, init, this.#deadlines, this.#options.fetcher);
    if (!result.ok) throw attemptFailed({ reason: result.reason, message: result.message, ms: result.ms });
    const verdict = await checkAsset(result, expected);
    if (!verdict.ok) throw attemptFailed({ reason: verdict.reason, message: verdict.message, ms: result.ms });
    return new Response(result.body, { status: result.response.status, statusText: result.response.statusText, headers: result.response.headers });
  }
}
