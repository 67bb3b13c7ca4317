/** `CDN_HOSTS` (comma-separated, in order of preference), as both builds — the app's and the worker's — read it. */
export function cdnHostsFromEnv(value = process.env.CDN_HOSTS ?? ''): string[] {
  return value
    .split(',')
    .map((host) => host.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** `CDN_COOL_DOWN_MS`: the first cool-down of a failed host, in the worker's breakers and the page's loader. */
export function cdnCoolDownMsFromEnv(value = process.env.CDN_COOL_DOWN_MS): number {
  const ms = Number(value ?? 10_000);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`CDN_COOL_DOWN_MS must be a positive number of milliseconds, not ${JSON.stringify(value)}`);
  return ms;
}
