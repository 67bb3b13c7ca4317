import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { assetManifestPlugin } from './build/assetManifestPlugin.js';
import { cdnHostsFromEnv } from './build/cdnHosts.js';

/** The agent workspace. `npm run build` writes dist/; the service worker is a second build (vite.sw.config.ts). */
const apiTarget = process.env.API_URL ?? 'http://localhost:8080';
/** CDN hosts in order of preference, e.g. https://fastly.example,https://azure.example; the origin is always last. */
const cdnHosts = cdnHostsFromEnv();

export default defineConfig({
  root: 'app',
  publicDir: 'public',
  plugins: [react(), assetManifestPlugin()],
  build: {
    outDir: process.env.HOLDFAST_OUT_DIR ?? '../dist',
    emptyOutDir: true,
    sourcemap: true,
    manifest: true,
  },
  // With CDN hosts, the page names the primary CDN for every built asset (HTML, JS and CSS references);
  // the service worker's cascade and the page's fallback loader move on to the next host when it fails.
  experimental: {
    renderBuiltUrl: (filename, { type }) => (cdnHosts.length > 0 && type !== 'public' ? `${cdnHosts[0]}/${filename}` : undefined),
  },
  server: {
    proxy: { '/api': apiTarget, '/media': apiTarget },
  },
});
