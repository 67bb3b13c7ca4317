import { isRetriable, type FailureReason } from './failureReason.js';

/** Why a host was passed over for one asset, and how long it cost. */
export type AttemptFailure = { host: string; reason: FailureReason; message: string; ms: number };

/** One host's try: its value, or why it failed. */
/** `skipped`: the host was not asked at all (its breaker is open, it is marked down): it cost nothing. */
export type HostTry<T> = { ok: true; value: T } | { ok: false; reason: FailureReason; message: string; skipped?: boolean };

export type HostsOutcome<T> =
  | { ok: true; value: T; host: string; ms: number; failoverMs: number; passedOver: AttemptFailure[] }
  | { ok: false; passedOver: AttemptFailure[] };

/** What an attempt is told: whether its host is the last (the origin), and whether another host already won. */
export type AttemptContext = { lastResort: boolean; settled: () => boolean };

export type TryHostsOptions<T> = {
  now?: () => number;
  /**
   * Hedged requests ("The Tail at Scale"): a host that has not answered within this long gets company —
   * the same request starts on the next host, and the first good answer wins. A dead host's first
   * encounter then costs about this delay, not its whole deadline. Undefined: one host at a time.
   */
  hedgeDelayMs?: number;
  /**
   * Asked when the hedge delay is up: whether `host`, tried since `since`, still looks silent. A host that
   * answered other requests meanwhile is busy, not dead (a browser queues requests past six per host, and
   * each queued one would look slow): the hedge waits another delay instead. Default: always hedge.
   */
  shouldHedge?: (host: string, since: number) => boolean;
  /**
   * Never fail closed: when every host failed, those that were skipped (breaker open, marked down) or
   * missed a deadline are tried once more, one at a time, with this attempt (longer deadlines, no
   * breaker). A slow network is not a dead one.
   */
  lastChance?: (host: string, context: AttemptContext) => Promise<HostTry<T>>;
};

/** Failures worth a last chance: the host was not asked, or was asked too impatiently. */
const retriable = (failure: AttemptFailure) => isRetriable(failure.reason);

/**
 * The cascade's loop, the one the worker (AssetCascade, breakers in IndexedDB) and the page loader
 * (marks in localStorage) both run: hosts in order until one try succeeds, recording every host passed
 * over with its reason and what it cost. What "trying a host" means — a breaker, a probe, inserting an
 * element — is the caller's `attempt`; `lastResort` tells it the host is the last (the origin), which is
 * tried whatever its health says. With `hedgeDelayMs`, tries overlap (see there): an attempt that does
 * something only one host may do (insert an element) checks `settled()` first, and takes that right for
 * itself before it awaits anything (the pass settles only when the attempt returns).
 */
export async function tryHosts<T>(
  hosts: readonly string[],
  attempt: (host: string, lastResort: boolean, context: AttemptContext) => Promise<HostTry<T>>,
  options: TryHostsOptions<T> | (() => number) = {},
): Promise<HostsOutcome<T>> {
  const { now = Date.now, hedgeDelayMs, shouldHedge = () => true, lastChance } = typeof options === 'function' ? { now: options } : options;
  const started = now();
  const first = await pass(hosts, (host, context) => attempt(host, context.lastResort, context), { now, hedgeDelayMs, shouldHedge, started });
  if (first.ok || !lastChance) return first;
  const again = hosts.filter((host) => first.passedOver.some((failure) => failure.host === host && retriable(failure)));
  if (again.length === 0) return first;
  const second = await pass(again, lastChance, { now, hedgeDelayMs: undefined, shouldHedge, started });
  return second.ok
    ? { ...second, passedOver: [...first.passedOver, ...second.passedOver] }
    : { ok: false, passedOver: [...first.passedOver, ...second.passedOver] };
}

type PassOptions = { now: () => number; hedgeDelayMs: number | undefined; shouldHedge: (host: string, since: number) => boolean; started: number };

/** One pass over `hosts`: in order, overlapping by hedges; the first good answer settles it. */
function pass<T>(
  hosts: readonly string[],
  attempt: (host: string, context: AttemptContext) => Promise<HostTry<T>>,
  options: PassOptions,
): Promise<HostsOutcome<T>> {
  const { now, hedgeDelayMs, shouldHedge, started } = options;
  return new Promise((resolve, reject) => {
    const passedOver: AttemptFailure[] = [];
    const running = new Map<string, number>();
    let next = 0;
    let settled = false;
    let hedge: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: HostsOutcome<T>) => {
      settled = true;
      clearTimeout(hedge);
      resolve(outcome);
    };
    /** After a hedge delay: company for `host` if it is silent (or already gone); otherwise wait again. */
    const armHedge = (host: string, since: number) => {
      if (hedgeDelayMs === undefined || next >= hosts.length) return;
      hedge = setTimeout(() => (!running.has(host) || shouldHedge(host, since) ? launch() : armHedge(host, since)), hedgeDelayMs);
    };
    const launch = () => {
      clearTimeout(hedge);
      if (settled || next >= hosts.length) return;
      const index = next++;
      const host = hosts[index]!;
      const tried = now();
      running.set(host, tried);
      armHedge(host, tried);
      attempt(host, { lastResort: index === hosts.length - 1, settled: () => settled }).then((result) => {
        running.delete(host);
        if (settled) return;
        if (result.ok) {
          // Hosts still out when another won: passed over for being slower than the hedge.
          for (const [slow, since] of running) passedOver.push({ host: slow, reason: 'hedged', message: `Slower than ${host} (hedged).`, ms: now() - since });
          // Time lost before the winner was asked; nothing when every host before it was skipped unasked.
          const failoverMs = passedOver.some((failure) => failure.ms > 0) ? tried - started : 0;
          finish({ ok: true, value: result.value, host, ms: now() - started, failoverMs, passedOver });
          return;
        }
        passedOver.push({ host, reason: result.reason, message: result.message, ms: result.skipped ? 0 : now() - tried });
        // A failure moves on at once, unless a hedge already has another host under way.
        if (running.size === 0) launch();
        if (running.size === 0 && next >= hosts.length) finish({ ok: false, passedOver });
      }, reject);
    };
    launch();
  });
}
