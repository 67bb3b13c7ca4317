/** `CDN_HOSTS` (comma-separated, in order of preference), as both builds — the app's and the worker's — read it. */
export function cdnHostsFromEnv(value = process.env.CDN_HOSTS ?? ''): string[] {
  const hosts = value
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean)
    .map(cdnOrigin);
  if (new Set(hosts).size !== hosts.length) throw new Error(`CDN_HOSTS names a host twice: ${value}`);
  return hosts;
}

/** A host of the list as an origin. Assets are named by the build's paths, so a path here would never be asked for. */
function cdnOrigin(host: string): string {
  let url: URL | undefined;
  try {
    url = new URL(host);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username)
    throw new Error(`CDN_HOSTS: ${JSON.stringify(host)} is not an origin such as https://cdn.example.com (scheme, host and port; no path)`);
  return url.origin;
}

/** `CDN_COOL_DOWN_MS`: the first cool-down of a failed host, in the worker's breakers and the page's loader. */
export function cdnCoolDownMsFromEnv(value = process.env.CDN_COOL_DOWN_MS): number {
  const ms = Number(value ?? 10_000);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`CDN_COOL_DOWN_MS must be a positive number of milliseconds, not ${JSON.stringify(value)}`);
  return ms;
}
