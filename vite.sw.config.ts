import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { cdnCoolDownMsFromEnv, cdnHostsFromEnv } from './build/cdnHosts.js';

/**
 * The service worker, built after the app into dist/sw.js as one classic script.
 *
 * This plugin does what workbox-build's injectManifest does — replace `self.__WB_MANIFEST` with the list
 * of files to precache — in 30 lines, because workbox-build (and vite-plugin-pwa on top of it) pulls in a
 * rollup whose platform packages break `npm ci` on these machines. Each file gets an md5 of its bytes as
 * its revision.
 */
const outDir = process.env.HOLDFAST_OUT_DIR ?? 'dist';
/** CDN hosts in order of preference (the origin is always tried last), e.g. https://fastly.example,https://azure.example */
const cdnHosts = cdnHostsFromEnv();
const assetManifest = () => readFileSync(join(outDir, 'asset-manifest.json'), 'utf8');
// Content-hashed assets are not precached by Workbox: the worker fetches them through the CDN cascade at
// install (sw/routeAssetsThroughCascade.ts). The shell's other files are.
const skip = (path: string) =>
  path === 'sw.js' || path.endsWith('.map') || path.startsWith('.vite/') || path.startsWith('assets/') || path === 'asset-manifest.json' || path === 'security.json';

function precacheManifest(): Plugin {
  return {
    name: 'holdfast-precache-manifest',
    transform(code, id) {
      if (!code.includes('self.__WB_MANIFEST')) return null;
      const entries = listFiles(outDir)
        .filter((path) => !skip(path))
        .map((path) => ({
          url: `/${path}`,
          revision: createHash('md5').update(readFileSync(join(outDir, path))).digest('hex'),
        }));
      if (!entries.some((entry) => entry.url === '/index.html')) throw new Error(`${id}: build the app first (dist/index.html is missing).`);
      return { code: code.replace('self.__WB_MANIFEST', JSON.stringify(entries)), map: null };
    },
  };
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path).split(sep).join('/')];
  });
}

export default defineConfig({
  publicDir: false,
  plugins: [precacheManifest()],
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
    lib: { entry: 'app/worker/sw.ts', formats: ['iife'], name: 'holdfastServiceWorker', fileName: () => 'sw.js' },
  },
});
