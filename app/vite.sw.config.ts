import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vite';
import { cdnCoolDownMsFromEnv, cdnHostsFromEnv, precacheManifestPlugin, precompressPlugin } from 'holdfast/build';

/** The workspace's service worker, built after the app into dist/sw.js as one classic script; the last build, it compresses dist/. */
const here = new URL('.', import.meta.url).pathname;
const outDir = resolve(process.env.HOLDFAST_OUT_DIR ?? `${here}../dist`);
/** CDN hosts in order of preference (the origin is always tried last), e.g. https://fastly.example,https://azure.example */
const cdnHosts = cdnHostsFromEnv();
const assetManifest = () => readFileSync(join(outDir, 'asset-manifest.json'), 'utf8');
// Content-hashed assets are not precached by Workbox: the worker fetches them through the CDN cascade at
// install (sw/routeAssetsThroughCascade.ts). The shell's other files are.
const skip = (path: string) => path.startsWith('assets/') || path === 'asset-manifest.json' || path === 'security.json';

export default defineConfig({
  publicDir: false,
  plugins: [precacheManifestPlugin({ outDir, skip }), precompressPlugin({ outDir })],
  define: {
    'process.env.NODE_ENV': JSON.stringify('production'),
    __HOLDFAST_CDN_HOSTS__: JSON.stringify(cdnHosts),
    // How long a failed host rests before a probe (jittered, doubling up to 5 minutes); tests shorten it.
    __HOLDFAST_CDN_COOL_DOWN_MS__: JSON.stringify(cdnCoolDownMsFromEnv()),
    __HOLDFAST_ASSET_MANIFEST__: assetManifest(),
  },
  build: {
    outDir,
    emptyOutDir: false,
    sourcemap: 'hidden',
    lib: { entry: `${here}worker/sw.ts`, formats: ['iife'], name: 'holdfastServiceWorker', fileName: () => 'sw.js' },
  },
});
