/**
 * The cascade's defaults, in one place for the worker (AssetCascade, HostHealth, its route) and the page
 * loader (build/fallbackLoaderPlugin.ts): a host gets `firstByteMs` to answer and `totalMs` to send the
 * whole body; a failed host rests `coolDownMs` (jittered) before it is tried again.
 */
export const cascadeDefaults = {
  firstByteMs: 3000,
  totalMs: 15_000,
  coolDownMs: 10_000,
  /** The longest a host's cool-down grows to (doubling after each failed probe), in the worker. */
  maxCoolDownMs: 5 * 60_000,
  /**
   * Hedge after this long without an answer, before a host's p95 is known (then: its p95, within
   * [minHedgeMs, firstByteMs]). A CDN edge answers an asset in tens of milliseconds; 300 ms is past the
   * tail of a healthy one and well short of a deadline.
   */
  hedgeDelayMs: 300,
  minHedgeMs: 100,
  /** A host's first-byte deadline is `deadlineP95Multiple` × its p95, within [firstByteMs, 4 × firstByteMs]. */
  deadlineP95Multiple: 4,
  /** The last chance (every host failed): first byte and whole body may take this long. */
  lastChanceFirstByteMs: 30_000,
  lastChanceTotalMs: 60_000,
} as const;
