// Size budgets for what every agent downloads: the service worker and the app's entry chunk (gzipped).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist', import.meta.url).pathname;
const budgets = [
  // 12 → 16 KiB when the worker took on Background Sync replay (the outbox core, ~3.3 KiB gzipped);
  // 16 → 20 KiB for the CDN cascade (its checks and cockatiel's breakers, ~4.4 KiB). Fetched once per
  // release and never on the rendering path, but a budget still: growth is a decision, not an accident.
  { name: 'service worker (dist/sw.js)', file: join(dist, 'sw.js'), maxGzipBytes: 20 * 1024 },
  {
    name: 'app entry chunk',
    file: join(dist, 'assets', readdirSync(join(dist, 'assets')).find((name) => /^index-.*\.js$/.test(name)) ?? 'missing'),
    maxGzipBytes: 160 * 1024,
  },
];

let failed = false;
for (const { name, file, maxGzipBytes } of budgets) {
  const size = gzipSync(readFileSync(file)).length;
  const ok = size <= maxGzipBytes;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${name}: ${(size / 1024).toFixed(1)} KiB gzipped (budget ${maxGzipBytes / 1024} KiB)`);
}
process.exit(failed ? 1 : 0);
