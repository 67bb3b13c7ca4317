/** `CDN_HOSTS` (comma-separated, in order of preference), as both builds — the app's and the worker's — read it. */
export function cdnHostsFromEnv(value = process.env.CDN_HOSTS ?? ''): string[] {
  return originsFrom('CDN_HOSTS', value);
}

/**
 * `API_ORIGINS` (comma-separated, preferred first): the API's regions, when they are not (only) the page's
 * own origin. Empty: the page's origin alone.
 */
export function apiOriginsFromEnv(value = process.env.API_ORIGINS ?? ''): string[] {
  return originsFrom('API_ORIGINS', value);
}

function originsFrom(name: string, value: string): string[] {
  const origins = value
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean)
    .map((host) => asOrigin(name, host));
  if (new Set(origins).size !== origins.length) throw new Error(`${name} names a host twice: ${value}`);
  return origins;
}

/** A host of the list as an origin. Assets and API paths are appended to it, so a path here would never be asked for. */
function asOrigin(name: string, host: string): string {
  let url: URL | undefined;
  try {
    url = new URL(host);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username)
    throw new Error(`${name}: ${JSON.stringify(host)} is not an origin such as https://cdn.example.com (scheme, host and port; no path)`);
  return url.origin;
}

/** `CDN_COOL_DOWN_MS`: the first cool-down of a failed host, in the worker's breakers and the page's loader. */
export function cdnCoolDownMsFromEnv(value = process.env.CDN_COOL_DOWN_MS): number {
  const ms = Number(value ?? 10_000);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`CDN_COOL_DOWN_MS must be a positive number of milliseconds, not ${JSON.stringify(value)}`);
  return ms;
}
