import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The page, built into dist/; `vite.sw.config.ts` builds the worker after it. */
const here = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: `${here}client`,
  plugins: [react()],
  build: { outDir: `${here}dist`, emptyOutDir: true, sourcemap: 'hidden' },
  server: { proxy: { '/api': process.env.API_URL ?? 'http://localhost:8090' } },
});
