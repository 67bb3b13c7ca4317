/** `CDN_HOSTS` (comma-separated, in order of preference), as both builds — the app's and the worker's — read it. */
export function cdnHostsFromEnv(value = process.env.CDN_HOSTS ?? ''): string[] {
  return value
    .split(',')
    .map((host) => host.trim().replace(/\/$/, ''))
    .filter(Boolean);
}
