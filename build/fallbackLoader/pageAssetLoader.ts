/**
 * The page's own CDN cascade, for when no service worker controls the page: a first visit, a hard reload,
 * a browser without service workers. Inlined into index.html by fallbackLoaderPlugin.ts in place of the
 * entry's <script> and <link> tags, so it must stay small: it is bundled (fallbackLoaderPlugin.ts, esbuild)
 * with the worker's own cascade pieces — the deadlines (fetchWithDeadlines), the checks (checkAsset), the
 * host loop (tryHosts) and the defaults — so page and worker run one implementation.
 *
 * Each asset is tried on each host in order. A host is passed over at a network error, no response headers
 * within the first-byte deadline, no whole body within the total deadline (both abort the request), a
 * non-200, an empty body or a wrong content type; then the element is inserted for that host with its
 * `integrity`, and an element that fails (a digest that does not match: a stale or tampered mirror) moves
 * on too. Static imports follow the host that served the entry (import maps keep one instance of each);
 * dynamic imports of built chunks go through this cascade too (routeDynamicImports.ts).
 * Failure reasons are the worker's (shared/cascade), so one health view reads both.
 * A host that failed is remembered in localStorage for a jittered cool-down, so the next load does not
 * wait on it either. Probes are hedged (a host silent past the hedge delay gets the next host as company;
 * the first good answer is used), and the cascade never fails closed: when every host failed for want of
 * patience, each gets one more try with a 30 s deadline. Under a service worker, the tags go in as built:
 * the worker's cascade serves them.
 */
import { checkAsset, fetchWithDeadlines, tryHosts, type AnswerReason, type Deadlines, type HostTry } from '../../shared/cascadeCore.js';

export type LoaderAsset = { kind: 'script' | 'style' | 'modulepreload'; path: string; integrity: string; contentType: string };
/** A built JS module: its digest, and the modules it imports statically (paths). */
export type LoaderModule = { integrity: string; imports: string[] };
/**
 * `hosts`: the CDN hosts in order; the page's origin is added last. `assets`: the entry's tags.
 * `modules`: every JS module of the build, for dynamic imports and the import map's integrity.
 */
export type LoaderConfig = {
  hosts: string[];
  assets: LoaderAsset[];
  modules: Record<string, LoaderModule>;
  firstByteMs: number;
  totalMs: number;
  coolDownMs: number;
  /** Hedge: a host not answering within this gets the next as company (first visit: no p95 known yet). */
  hedgeDelayMs: number;
  /** The last chance's first-byte deadline (every host failed: try again, patiently). */
  lastChanceMs: number;
};
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

/** Whether `url` answers 200 with a non-empty body of the right type within the deadlines: the worker's checks. */
async function probe(url: string, asset: LoaderAsset, deadlines: Deadlines): Promise<{ reason: AnswerReason; message: string } | undefined> {
  const attempt = await fetchWithDeadlines(url, { mode: 'cors', credentials: 'omit' }, deadlines);
  if (!attempt.ok) return attempt;
  const verdict = await checkAsset(attempt, { contentType: asset.contentType });
  return verdict.ok ? undefined : verdict;
}

/** Inserts the element for `url`; true once it loaded, false if it failed (integrity included). */
function insert(url: string, asset: LoaderAsset): Promise<boolean> {
  const element =
    asset.kind === 'script'
      ? Object.assign(document.createElement('script'), { type: 'module', src: url })
      : Object.assign(document.createElement('link'), { rel: asset.kind === 'style' ? 'stylesheet' : 'modulepreload', href: url });
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
  // biome-ignore lint/suspicious/noAssignInExpressions: the shortest form: this script is inlined into every page, within a byte budget
  const loader = (page.holdfastAssetLoader ??= { notices: [], listeners: [] });
  loader.notices.push(notice);
  for (const listener of loader.listeners) listener(notice);
}

/**
 * Tries `path` on each host in order until `use(host)` succeeds after the probe: the cascade of one
 * asset, on the worker's loop (tryHosts). Reports which host served it and who was passed over; returns
 * what `use` returned.
 */
async function cascade<T>(asset: LoaderAsset, config: LoaderConfig, use: (host: string) => Promise<T | undefined>): Promise<T | undefined> {
  const down = readDown();
  // Whether a host's good probe is being used. Taken before `use` starts, not when it ends: `use` waits (for
  // the styles, for the element's load), and a hedged probe answering meanwhile would otherwise insert the
  // same entry from a second host, and the app would run twice (a fresh-clone run saw the origin's copy
  // inserted beside the secondary's).
  let inUse = false;
  // Probe (hedged: probes may overlap), then use the host, which only the first good probe may do.
  const attempt = async (host: string, lastResort: boolean, settled: () => boolean, deadlines: Deadlines, markDownOnFailure: boolean): Promise<HostTry<T>> => {
    const problem = await probe(host + asset.path, asset, deadlines);
    if (!problem && !settled() && !inUse) {
      inUse = true;
      const used = await use(host);
      if (used !== undefined) return { ok: true, value: used };
      inUse = false;
    }
    if (!problem && (settled() || inUse)) return { ok: false, reason: 'hedged', message: 'Another host answered first.' };
    const failure = problem ?? digestMismatch;
    if (!lastResort && markDownOnFailure) markDown(host, config.coolDownMs);
    return { ok: false, reason: failure.reason, message: failure.message };
  };
  const outcome = await tryHosts(
    config.hosts,
    async (host, lastResort, context): Promise<HostTry<T>> => {
      if (!lastResort && (down[host] ?? 0) > Date.now()) return { ok: false, reason: 'marked-down', message: 'Marked down by an earlier load.', skipped: true };
      return attempt(host, lastResort, context.settled, config, true);
    },
    {
      // A first visit knows no host's latency: the configured delay (300 ms by default, past the tail of a
      // healthy edge). Deriving it from the document's own time to first byte was tried: on loopback that
      // gave 50 ms, and healthy hosts were hedged (and marked down) whenever a probe took longer.
      hedgeDelayMs: config.hedgeDelayMs,
      // Never fail closed: hosts marked down or too slow get one more, patient, try.
      lastChance: (host, context) =>
        attempt(host, context.lastResort, context.settled, { firstByteMs: config.lastChanceMs, totalMs: 2 * config.lastChanceMs }, false),
    },
  );
  const passedOver = outcome.passedOver.map(({ host, reason, ms }) => ({ host, reason, ms }));
  // A host that another beat by a hedge delay is taken for down, as a failed one is: the next load goes
  // straight past it for a cool-down rather than paying the hedge again.
  for (const failure of passedOver) if (failure.reason === 'hedged' && failure.host !== config.hosts.at(-1)) markDown(failure.host, config.coolDownMs);
  if (!outcome.ok) {
    tell({ type: 'failed', source: 'page', path: asset.path, passedOver });
    return undefined;
  }
  tell({ type: 'served', source: 'page', path: asset.path, host: outcome.host, ms: outcome.ms, failoverMs: outcome.failoverMs, passedOver });
  return outcome.value;
}

/** The element or import failed on bytes the probe found fine: the digest (integrity) did not match. */
const digestMismatch = { reason: 'digest-mismatch' as const, message: 'The browser refused the bytes (integrity).' };

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
