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
} as const;
