import { defineConfig } from 'vitest/config';

/**
 * Two Vitest projects: `unit` (pure logic and in-process database code) and `api` (real server
 * processes over HTTP, on PGlite and on a real PostgreSQL). API files run one at a time: each starts
 * servers, and the machine has two cores.
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
    ],
  },
});
