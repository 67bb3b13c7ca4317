import { defineConfig } from 'vite';
import { serviceWorkerConfig } from 'holdfast/build';

/** The worker, built after the page into dist/sw.js: it precaches the page's build, then compresses it. */
const here = new URL('.', import.meta.url).pathname;

export default defineConfig(serviceWorkerConfig({ entry: `${here}worker/sw.ts`, outDir: `${here}dist` }));
