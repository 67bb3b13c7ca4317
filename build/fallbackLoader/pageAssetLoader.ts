/**
 * The page's own CDN cascade, for when no service worker controls the page: a first visit, a hard reload,
 * a browser without service workers. Inlined into index.html by fallbackLoaderPlugin.ts in place of the
 * entry's <script> and <link> tags, so it must stay small and self-contained (no imports).
 *
 * Each asset is tried on each host in order. A host is passed over at a network error, no response headers
 * within the first-byte deadline, no whole body within the total deadline (both abort the request), a
 * non-200, an empty body or a wrong content type; then the element is inserted for that host with its
 * `integrity`, and an element that fails (a digest that does not match: a stale or tampered mirror) moves
 * on too. The entry's imports and dynamic imports are relative, so they follow the host that served it.
 * Failure reasons are the worker's (shared/cascade), so one health view reads both.
 * A host that failed is remembered in localStorage for a jittered cool-down, so the next load does not
 * wait on it either. Under a service worker, the tags go in as built: the worker's cascade serves them.
 */
export type LoaderAsset = { kind: 'script' | 'style' | 'modulepreload'; path: string; integrity: string; contentType: string };
/** A built JS module: its digest, and the modules it imports statically (paths). */
export type LoaderModule = { integrity: string; imports: string[] };
/**
 * `hosts`: the CDN hosts in order; the page's origin is added last. `assets`: the entry's tags.
 * `modules`: every JS module of the build, for dynamic imports and the import map's integrity.
 */
export type LoaderConfig = { hosts: string[]; assets: LoaderAsset[]; modules: Record<string, LoaderModule>; firstByteMs: number; totalMs: number; coolDownMs: number };
export type LoaderNotice =
  | { type: 'served'; source: 'page'; path: string; host: string; ms: number; failoverMs: number; passedOver: { host: string; reason: string; ms: number }[] }
  | { type: 'failed'; source: 'page'; path: string; passedOver: { host: string; reason: string; ms: number }[] };

declare const __HOLDFAST_LOADER_CONFIG__: LoaderConfig;

type Page = Window & {
  holdfastAssetLoader?: { notices: LoaderNotice[]; listeners: ((notice: LoaderNotice) => void)[] };
  __holdfastImport?: (importerUrl: string, specifier: string) => Promise<unknown>;
};

const downKey = 'holdfast-cdn-down';

/**
 * The nonce the server put on this script (server/http/appShell.ts): the import maps the loader adds are
 * inline scripts, which the Content-Security-Policy runs only with it. Read now: `currentScript` is set
 * only while this script first runs.
 */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

function readDown(): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem(downKey) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

function markDown(host: string, coolDownMs: number) {
  try {
    const down = readDown();
    // Full jitter with a floor, like the worker's breakers: clients do not all come back at once.
    down[host] = Date.now() + coolDownMs / 4 + Math.random() * coolDownMs * 0.75;
    localStorage.setItem(downKey, JSON.stringify(down));
  } catch {
    // Storage may be full or forbidden: the cascade still works, it only forgets.
  }
}

function sameType(actual: string, expected: string) {
  const type = actual.split(';')[0]!.trim().toLowerCase();
  const javascript = /^(text|application)\/(x-)?(javascript|ecmascript)$/;
  return type === expected || (javascript.test(type) && javascript.test(expected));
}

/** Whether `url` answers 200 with a non-empty body of the right type within the deadlines; the reason if not. */
async function probe(url: string, asset: LoaderAsset, config: LoaderConfig): Promise<string | undefined> {
  const abort = new AbortController();
  let reason = 'network';
  const firstByte = setTimeout(() => ((reason = 'first-byte-timeout'), abort.abort()), config.firstByteMs);
  const total = setTimeout(() => ((reason = 'total-timeout'), abort.abort()), config.totalMs);
  try {
    const response = await fetch(url, { mode: 'cors', credentials: 'omit', signal: abort.signal });
    clearTimeout(firstByte);
    if (response.status !== 200) return response.status >= 500 ? 'server-error' : 'http-status';
    if (!sameType(response.headers.get('content-type') ?? '', asset.contentType)) return 'wrong-content-type';
    if ((await response.arrayBuffer()).byteLength === 0) return 'empty-body';
    return undefined;
  } catch {
    return reason;
  } finally {
    clearTimeout(firstByte);
    clearTimeout(total);
  }
}

/** Inserts the element for `url`; true once it loaded, false if it failed (integrity included). */
function insert(url: string, asset: LoaderAsset): Promise<boolean> {
  const element =
    asset.kind === 'script' ? Object.assign(document.createElement('script'), { type: 'module', src: url }) : Object.assign(document.createElement('link'), { rel: asset.kind === 'style' ? 'stylesheet' : 'modulepreload', href: url });
  element.crossOrigin = 'anonymous';
  element.integrity = asset.integrity;
  return new Promise((resolve) => {
    element.addEventListener('load', () => resolve(true));
    element.addEventListener('error', () => {
      element.remove();
      resolve(false);
    });
    document.head.append(element);
  });
}

function tell(notice: LoaderNotice) {
  const page = window as Page;
  const loader = (page.holdfastAssetLoader ??= { notices: [], listeners: [] });
  loader.notices.push(notice);
  for (const listener of loader.listeners) listener(notice);
}

type PassedOver = { host: string; reason: string; ms: number };

/**
 * Tries `path` on each host in order until `use(host)` succeeds after the probe: the cascade of one
 * asset. Reports which host served it and who was passed over; returns what `use` returned.
 */
async function cascade<T>(asset: LoaderAsset, config: LoaderConfig, use: (host: string) => Promise<T | undefined>): Promise<T | undefined> {
  const passedOver: PassedOver[] = [];
  const started = Date.now();
  const down = readDown();
  for (const [index, host] of config.hosts.entries()) {
    const lastResort = index === config.hosts.length - 1;
    if (!lastResort && (down[host] ?? 0) > Date.now()) {
      passedOver.push({ host, reason: 'marked-down', ms: 0 });
      continue;
    }
    const tried = Date.now();
    let reason = await probe(host + asset.path, asset, config);
    let used: T | undefined;
    if (!reason) {
      used = await use(host);
      // The element or import failed on bytes the probe found fine: the digest (integrity) did not match.
      if (used === undefined) reason = 'digest-mismatch';
    }
    if (!reason) {
      const failoverMs = passedOver.reduce((sum, failure) => sum + failure.ms, 0);
      tell({ type: 'served', source: 'page', path: asset.path, host, ms: Date.now() - started, failoverMs, passedOver });
      return used;
    }
    passedOver.push({ host, reason, ms: Date.now() - tried });
    if (!lastResort) markDown(host, config.coolDownMs);
  }
  tell({ type: 'failed', source: 'page', path: asset.path, passedOver });
  return undefined;
}

/** Where each JS module was loaded from: one instance per module, whichever host served it. */
const loadedFrom: Record<string, string> = {};

/** A module and everything it imports statically, transitively. */
function closure(path: string, config: LoaderConfig, into = new Set<string>()): Set<string> {
  if (into.has(path)) return into;
  into.add(path);
  for (const dependency of config.modules[path]?.imports ?? []) closure(dependency, config, into);
  return into;
}

function addImportMap(map: { imports?: Record<string, string>; integrity?: Record<string, string> }) {
  const script = document.createElement('script');
  script.type = 'importmap';
  script.nonce = nonce;
  script.textContent = JSON.stringify(map);
  document.head.append(script);
}

/**
 * Before `path` is imported from `host`: its static imports already loaded from another host must resolve
 * to that instance, not to a second copy (a second React, a second store). An import map says so.
 */
function keepInstances(path: string, host: string, config: LoaderConfig) {
  const imports: Record<string, string> = {};
  for (const module of closure(path, config)) {
    const from = loadedFrom[module];
    if (from && from !== host) imports[host + module] = from + module;
  }
  if (Object.keys(imports).length > 0) addImportMap({ imports });
}

/**
 * Records the modules `path` brings from `host` before they load — the entry may ask for a lazy chunk while
 * it is still running — and returns how to take that back if the load fails.
 */
function claim(path: string, host: string, config: LoaderConfig): () => void {
  const claimed = [...closure(path, config)].filter((module) => !loadedFrom[module]);
  for (const module of claimed) loadedFrom[module] = host;
  return () => {
    for (const module of claimed) delete loadedFrom[module];
  };
}

/** A dynamic import of a built chunk (see routeDynamicImports.ts): through the cascade unless a worker serves. */
function cascadeImport(config: LoaderConfig, controlled: boolean) {
  return async (importerUrl: string, specifier: string): Promise<unknown> => {
    const url = new URL(specifier, importerUrl);
    const path = url.pathname;
    if (controlled || !config.modules[path]) return import(/* @vite-ignore */ url.href);
    if (loadedFrom[path]) return import(/* @vite-ignore */ loadedFrom[path] + path);
    const asset: LoaderAsset = { kind: 'script', path, integrity: config.modules[path].integrity, contentType: 'text/javascript' };
    let failure: unknown;
    const module = await cascade(asset, config, async (host) => {
      keepInstances(path, host, config);
      const release = claim(path, host, config);
      try {
        return (await import(/* @vite-ignore */ host + path)) as object;
      } catch (error) {
        release();
        failure = error;
        return undefined;
      }
    });
    if (module === undefined) throw failure ?? new Error(`No host could serve ${path}`);
    return module;
  };
}

async function load(asset: LoaderAsset, config: LoaderConfig, stylesApplied: Promise<unknown>): Promise<void> {
  await cascade(asset, config, async (host) => {
    // Scripts wait for the styles, so the app does not render unstyled.
    if (asset.kind === 'script') await stylesApplied;
    if (asset.kind === 'style') return (await insert(host + asset.path, asset)) || undefined;
    keepInstances(asset.path, host, config);
    const release = claim(asset.path, host, config);
    if (await insert(host + asset.path, asset)) return true;
    release();
    return undefined;
  });
}

function start(built: LoaderConfig) {
  // The origin is the last resort, whatever the build's host list.
  const config = { ...built, hosts: [...built.hosts, location.origin] };
  // Every module's digest on every host: integrity for static and dynamic imports alike, which have no
  // attribute to carry it.
  const integrity: Record<string, string> = {};
  for (const host of config.hosts) for (const [path, module] of Object.entries(config.modules)) integrity[host + path] = module.integrity;
  addImportMap({ integrity });
  const controlled = Boolean(navigator.serviceWorker?.controller);
  (window as Page).__holdfastImport = cascadeImport(config, controlled);
  if (controlled) {
    const styles = Promise.all(config.assets.filter((asset) => asset.kind === 'style').map((asset) => insert(config.hosts[0] + asset.path, asset)));
    for (const asset of config.assets) if (asset.kind !== 'style') void styles.then(() => insert(config.hosts[0] + asset.path, asset));
    return;
  }
  const styles = config.assets.filter((asset) => asset.kind === 'style').map((asset) => load(asset, config, Promise.resolve()));
  const stylesApplied = Promise.all(styles);
  for (const asset of config.assets) if (asset.kind !== 'style') void load(asset, config, stylesApplied);
}

start(__HOLDFAST_LOADER_CONFIG__);
