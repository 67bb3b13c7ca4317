/** Why a host was passed over for one asset, and how long it cost. */
export type AttemptFailure = { host: string; reason: string; message: string; ms: number };

/** One host's try: its value, or why it failed. */
/** `skipped`: the host was not asked at all (its breaker is open, it is marked down): it cost nothing. */
export type HostTry<T> = { ok: true; value: T } | { ok: false; reason: string; message: string; skipped?: boolean };

export type HostsOutcome<T> =
  | { ok: true; value: T; host: string; ms: number; failoverMs: number; passedOver: AttemptFailure[] }
  | { ok: false; passedOver: AttemptFailure[] };

/**
 * The cascade's loop, the one the worker (AssetCascade, breakers in IndexedDB) and the page loader
 * (marks in localStorage) both run: each host in order until one try succeeds, recording every host passed
 * over with its reason and what it cost. What "trying a host" means — a breaker, a probe, inserting an
 * element — is the caller's `attempt`; `lastResort` tells it the host is the last (the origin), which is
 * tried whatever its health says.
 */
export async function tryHosts<T>(hosts: readonly string[], attempt: (host: string, lastResort: boolean) => Promise<HostTry<T>>, now: () => number = Date.now): Promise<HostsOutcome<T>> {
  const passedOver: AttemptFailure[] = [];
  const started = now();
  for (const [index, host] of hosts.entries()) {
    const tried = now();
    const result = await attempt(host, index === hosts.length - 1);
    if (result.ok) {
      const failoverMs = passedOver.reduce((sum, failure) => sum + failure.ms, 0);
      return { ok: true, value: result.value, host, ms: now() - started, failoverMs, passedOver };
    }
    passedOver.push({ host, reason: result.reason, message: result.message, ms: result.skipped ? 0 : now() - tried });
  }
  return { ok: false, passedOver };
}
