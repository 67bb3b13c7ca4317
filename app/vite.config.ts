import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import {
  apiOriginsFromEnv,
  assetManifestPlugin,
  cdnCoolDownMsFromEnv,
  cdnHostsFromEnv,
  fallbackLoaderPlugin,
  prerenderPlugin,
  securityManifestPlugin,
} from 'holdfast/build';

/** The agent workspace. `npm run build` writes dist/; the service worker is a second build (vite.sw.config.ts). */
const apiTarget = process.env.API_URL ?? 'http://localhost:8080';
/** CDN hosts in order of preference, e.g. https://fastly.example,https://azure.example; the origin is always last. */
const cdnHosts = cdnHostsFromEnv();
/** The API's regions, preferred first, e.g. https://api-eu.example,https://api-us.example; none: the page's origin. */
const apiOrigins = apiOriginsFromEnv();
/** This folder and the repository's: the build runs from either. */
const here = new URL('.', import.meta.url).pathname;
const appVersion =
  process.env.HOLDFAST_VERSION ?? (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export default defineConfig({
  root: `${here}client`,
  publicDir: 'public',
  // The app's status view lists the hosts (client/state/cascadeHealth.ts). The version a page runs, for
  // support and for the update tests: HOLDFAST_VERSION, or package.json's.
  define: {
    __HOLDFAST_CDN_HOSTS__: JSON.stringify(cdnHosts),
    __HOLDFAST_API_ORIGINS__: JSON.stringify(apiOrigins),
    __HOLDFAST_VERSION__: JSON.stringify(appVersion),
  },
  plugins: [
    react(),
    assetManifestPlugin(),
    securityManifestPlugin(cdnHosts, apiOrigins),
    fallbackLoaderPlugin({ cdnHosts, coolDownMs: cdnCoolDownMsFromEnv() }),
    // The sign-in screen as static markup in index.html, before the worker's build lists its bytes.
    prerenderPlugin({ module: `${here}client/prerender.tsx`, tsconfig: `${here}client/tsconfig.json` }),
  ],
  build: {
    outDir: resolve(process.env.HOLDFAST_OUT_DIR ?? `${here}../dist`),
    emptyOutDir: true,
    // Maps are written for operators but not linked from the files, and the server does not serve them
    // unless SERVE_SOURCE_MAPS=true: the full source is not published to everyone.
    sourcemap: 'hidden',
    manifest: true,
    // Every asset a file of its own (no data: URLs in the CSS): hashed, listed with its digest, checked by
    // the cascade and kept by the worker, and not re-downloaded inside a changed stylesheet.
    assetsInlineLimit: 0,
  },
  // With CDN hosts, the page names the primary CDN for every built asset (HTML, JS and CSS references);
  // the service worker's cascade and the page's fallback loader move on to the next host when it fails.
  experimental: {
    // Inside JS and CSS, references stay relative: a chunk, font or image comes from the host that served
    // the file naming it, so a page whose entry came from the secondary stays on it.
    renderBuiltUrl: (filename, { type, hostType }) => {
      if (cdnHosts.length === 0 || type === 'public') return undefined;
      return hostType === 'html' ? `${cdnHosts[0]}/${filename}` : { relative: true };
    },
  },
  server: {
    proxy: { '/api': apiTarget, '/media': apiTarget },
  },
});
