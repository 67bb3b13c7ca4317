import { defineConfig } from 'vite';
import { precacheManifestPlugin, precompressPlugin } from 'holdfast/build';

/** The worker, built after the page into dist/sw.js: it precaches the page's build, then compresses it. */
const here = new URL('.', import.meta.url).pathname;
const outDir = `${here}dist`;

export default defineConfig({
  publicDir: false,
  plugins: [precacheManifestPlugin({ outDir }), precompressPlugin({ outDir })],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir,
    emptyOutDir: false,
    sourcemap: 'hidden',
    lib: { entry: `${here}worker/sw.ts`, formats: ['iife'], name: 'serviceWorker', fileName: () => 'sw.js' },
  },
});
