import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vite';
import { cdnCoolDownMsFromEnv, cdnHostsFromEnv, serviceWorkerConfig } from 'holdfast/build';

/** The workspace's service worker, built after the app into dist/sw.js as one classic script; the last build, it compresses dist/. */
const here = new URL('.', import.meta.url).pathname;
const outDir = resolve(process.env.HOLDFAST_OUT_DIR ?? `${here}../dist`);
/** CDN hosts in order of preference (the origin is always tried last), e.g. https://fastly.example,https://azure.example */
const cdnHosts = cdnHostsFromEnv();

export default defineConfig(
  serviceWorkerConfig({
    entry: `${here}worker/sw.ts`,
    outDir,
    // Content-hashed assets are not precached by Workbox: the worker fetches them through the CDN cascade at
    // install (sw/routeAssetsThroughCascade.ts). The shell's other files are.
    skip: (path) => path.startsWith('assets/') || path === 'asset-manifest.json' || path === 'security.json',
    define: {
      __HOLDFAST_CDN_HOSTS__: JSON.stringify(cdnHosts),
      // How long a failed host rests before a probe (jittered, doubling up to 5 minutes); tests shorten it.
      __HOLDFAST_CDN_COOL_DOWN_MS__: JSON.stringify(cdnCoolDownMsFromEnv()),
      __HOLDFAST_ASSET_MANIFEST__: readFileSync(join(outDir, 'asset-manifest.json'), 'utf8'),
    },
  }),
);
