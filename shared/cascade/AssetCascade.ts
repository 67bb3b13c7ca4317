import { checkAsset, type ManifestEntry } from './checkAsset.js';
import { fetchWithDeadlines, type Deadlines } from './fetchWithDeadlines.js';
import { HostHealth, HostSkipped } from './HostHealth.js';

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

class AttemptFailed extends Error {
  constructor(readonly failure: Omit<AttemptFailure, 'host'>) {
    super(failure.message);
  }
}

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
        if (error instanceof HostSkipped) passedOver.push({ host, reason: `breaker-${error.state}`, message: error.message, ms: 0 });
        else if (error instanceof AttemptFailed) passedOver.push({ host, ...error.failure });
        else throw error;
      }
    }
    onEvent?.({ type: 'failed', path, passedOver });
    throw new Error(`No host could serve ${path}: ${passedOver.map((failure) => `${failure.host} (${failure.reason})`).join(', ')}`);
  }

  async #attempt(host: string, path: string, init: RequestInit, expected: ManifestEntry | undefined): Promise<Response> {
    const result = await fetchWithDeadlines(new URL(path, host).href, init, this.#deadlines, this.#options.fetcher);
    if (!result.ok) throw new AttemptFailed({ reason: result.reason, message: result.message, ms: result.ms });
    const verdict = await checkAsset(result, expected);
    if (!verdict.ok) throw new AttemptFailed({ reason: verdict.reason, message: verdict.message, ms: result.ms });
    return new Response(result.body, { status: result.response.status, statusText: result.response.statusText, headers: result.response.headers });
  }
}
