import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The task list's page; `vite.sw.config.ts` builds its worker after it. */
const here = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: `${here}client`,
  plugins: [react()],
  build: { outDir: `${here}dist`, emptyOutDir: true, sourcemap: 'hidden' },
  server: { proxy: { '/api': process.env.API_URL ?? 'http://localhost:8090' } },
});
