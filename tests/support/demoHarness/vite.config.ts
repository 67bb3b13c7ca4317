import { defineConfig } from 'vite';

/** Builds the demo backend harness (tests/support/BrowserBackend.ts sets the output directory). */
export default defineConfig({
  root: 'tests/support/demoHarness',
  logLevel: 'warn',
  // Served under /harness/ by BrowserBackend (everything else there is the bridge to the backend).
  base: '/harness/',
  build: { outDir: process.env.HOLDFAST_HARNESS_OUT_DIR, emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
});
