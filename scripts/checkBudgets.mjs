// Size budgets for what every agent downloads: the service worker, the app's entry chunk, the sign-in
// page's first load, and the page loader inlined into index.html when CDN hosts are configured (gzipped,
// or as sent: the build's brotli copy). Run with tsx (the loader is TS). `npm test` runs it after the build.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { bundlePageLoader } from '../build/fallbackLoaderPlugin.ts';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist', import.meta.url).pathname;
const budgets = [
  // 12 → 16 KiB when the worker took on Background Sync replay (the outbox core, ~3.3 KiB gzipped);
  // 16 → 20 KiB for the CDN cascade (its checks and cockatiel's breakers, ~4.4 KiB). Fetched once per
  // release and never on the rendering path, but a budget still: growth is a decision, not an accident.
  // 20 → 23 KiB for client telemetry through workbox-background-sync's Queue (~2 KiB: the queue's IndexedDB
  // store and its sync handling; the issue asks for that Queue rather than one of our own).
  // 23 → 24 KiB for the cascade's hedged requests, latency-following deadlines and last chance, and the API
  // regions for Background Sync (ApiOrigins): 22.8 → 23.6.
  // 24 → 24.5 KiB for the replay's hedge (issue 25): a batch sent into an outage that has healed is given up
  // and sent again once the probe answers fast, so the outbox drains within seconds of the heal instead of
  // waiting out the stuck request (the 20-second API: 16 s after the heal, measured): 23.9 → 24.1.
  { name: 'service worker (dist/sw.js)', file: join(dist, 'sw.js'), maxGzipBytes: 24.5 * 1024 },
  // 160 → 76 KiB when the signed-in app (store, outbox, router, views) became a chunk of its own: the
  // entry is React, the sign-in screen and the cascade monitor.
  {
    name: 'app entry chunk',
    file: join(dist, 'assets', readdirSync(join(dist, 'assets')).find((name) => /^index-.*\.js$/.test(name)) ?? 'missing'),
    maxGzipBytes: 76 * 1024,
  },
];

// The sign-in page's first load, as the origin sends it to a browser that takes brotli: the shell and
// every asset it names (scripts, module preloads, stylesheets). No font: the screen paints in the system
// font, and a browser fetches a declared face only when text uses it (bench:first-load measures it).
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const named = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(([, path]) => path);
const sent = (path) => (existsSync(join(dist, `${path}.br`)) ? readFileSync(join(dist, `${path}.br`)).length : readFileSync(join(dist, path)).length);
const sizes = [
  {
    name: 'sign-in page: its scripts (as sent, brotli)',
    bytes: named.filter((path) => path.endsWith('.js')).reduce((sum, path) => sum + sent(path), 0),
    // 64 → 65 KiB (issue 24): the entry sat at exactly 64.0 KiB, and brotli of the same code moves by
    // ±100 bytes when a lazy chunk's hashed name changes (242,335 → 242,332 raw bytes measured 65,536 →
    // 65,630 brotli). The headroom is for that noise, not for growth: the raw size did not grow.
    max: 65 * 1024,
  },
  {
    name: 'sign-in page: first load, shell + assets (as sent, brotli)',
    bytes: sent('/index.html') + named.reduce((sum, path) => sum + sent(path), 0),
    max: 68 * 1024,
  },
];

// The loader for two CDN hosts and an entry of two assets (its config is data; the code is what grows).
// 1.8 → 2.5 KiB when it took the worker's own cascade pieces instead of its copies of them. 2.5 → 3.2 KiB
// for hedged probes and the last chance (tryHosts): a blackholed primary then costs a first visit one
// hedge delay instead of a 3 s deadline.
const loader = await bundlePageLoader({
  hosts: ['https://cdn-a.example', 'https://cdn-b.example'],
  assets: [
    { kind: 'style', path: '/assets/index.css', integrity: 'sha384-x', contentType: 'text/css' },
    { kind: 'script', path: '/assets/index.js', integrity: 'sha384-y', contentType: 'text/javascript' },
  ],
  modules: {},
  firstByteMs: 3000,
  totalMs: 15000,
  coolDownMs: 10000,
  hedgeDelayMs: 300,
  lastChanceMs: 30000,
});
budgets.push({ name: 'page loader (inline in index.html with CDN hosts)', source: loader, maxGzipBytes: 3.2 * 1024 });

let failed = false;
for (const { name, file, source, maxGzipBytes } of budgets) {
  const size = gzipSync(source ?? readFileSync(file)).length;
  const ok = size <= maxGzipBytes;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${name}: ${(size / 1024).toFixed(1)} KiB gzipped (budget ${maxGzipBytes / 1024} KiB)`);
}
for (const { name, bytes, max } of sizes) {
  const ok = bytes <= max;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${name}: ${(bytes / 1024).toFixed(1)} KiB (budget ${max / 1024} KiB)`);
}
process.exit(failed ? 1 : 0);
