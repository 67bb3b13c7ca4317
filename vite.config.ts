import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { assetManifestPlugin } from './build/assetManifestPlugin.js';

/** The agent workspace. `npm run build` writes dist/; the service worker is a second build (vite.sw.config.ts). */
const apiTarget = process.env.API_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: 'app',
  publicDir: 'public',
  plugins: [react(), assetManifestPlugin()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    sourcemap: true,
    manifest: true,
  },
  server: {
    proxy: { '/api': apiTarget, '/media': apiTarget },
  },
});
