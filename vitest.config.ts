import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Five Vitest projects: `unit` (pure logic and in-process database code), `api` and `api-serial` (real
 * server processes over HTTP, on PGlite and on a real PostgreSQL), `apps` (each app's own tests, in its
 * folder) and `package` (the framework packed as a stranger installs it: its API report, and an app built
 * from the tarball outside the repository).
 *
 * Two files at a time where that is safe: the unit files, and the API files whose assertions are about
 * behaviour only (each starts its own servers on free ports, on its own database copy). One at a time:
 * the API files that measure time or count what every request did in a window (`serialApiFiles`), which
 * a second file's load beside them would skew, and the apps' and package files (builds).
 */
/** Two at a time on two cores or more; one at a time on one core (`taskset -c 0`). */
const sideBySide = Math.min(2, availableParallelism());

const serialApiFiles = [
  'tests/api/authAndHeaders.test.ts',
  'tests/api/cluster.test.ts',
  'tests/api/clusterCommand.test.ts',
  'tests/api/fairShare.test.ts',
  'tests/api/metrics.test.ts',
  'tests/api/shedding.test.ts',
  'tests/api/signInThrottle.test.ts',
  'tests/api/streamLimits.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // The seeded PGlite template that three unit files copy, made once before they start.
          globalSetup: ['tests/unit/globalSetup.ts'],
          maxWorkers: sideBySide,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'api',
          include: ['tests/api/**/*.test.ts'],
          exclude: serialApiFiles,
          environment: 'node',
          globalSetup: ['tests/api/globalSetup.ts'],
          maxWorkers: sideBySide,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'api-serial',
          include: serialApiFiles,
          environment: 'node',
          // The same set-up (made once: the second finds the databases ready and the server running).
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
