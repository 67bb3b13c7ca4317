import { defineConfig } from 'vitest/config';

/**
 * Four Vitest projects: `unit` (pure logic and in-process database code), `api` (real server processes
 * over HTTP, on PGlite and on a real PostgreSQL), `apps` (each app's own tests, in its folder) and `package` (the framework packed as a stranger installs
 * it: its API report, and an app built from the tarball outside the repository). API and package files run
 * one at a time: each starts servers or builds, and the machine has two cores.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'api',
          include: ['tests/api/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/api/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Each app's own tests, found by convention in its folder (scripts/apps.mjs): <app>/tests/*.test.ts.
        test: {
          name: 'apps',
          include: ['app/tests/**/*.test.ts', 'examples/*/tests/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'package',
          include: ['tests/package/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/package/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
