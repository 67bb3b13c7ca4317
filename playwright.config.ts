import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: Debian's Chromium (browsers cannot be downloaded here) against the built app served
 * by real server processes (tests/e2e/fixtures.ts starts one per worker on a copy of the seeded PGlite).
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // CDN hosts for the cascade tests and API regions for the failover test, all on loopback (each on its own
  // port); one name that never resolves.
  '--host-resolver-rules=MAP fastly.test 127.0.0.1, MAP azure.test 127.0.0.1, MAP *.holdfast.test 127.0.0.1, MAP unresolvable.test ~NOTFOUND',
];

/**
 * End-to-end files that run alone, never beside another file, when npm test runs the rest two at a time:
 * they load the machine on purpose or measure time against a bound that a neighbour's load would break —
 * a flood of requests (sheddable), a cluster of processes (cluster, regionFailover), deadlines of a CDN
 * cascade, a database in the page (demo), production builds and three tabs moving to a new version
 * (updates: once, beside another file on two cores, a tab stayed on the old version for 60 s), cached
 * data on screen within a second and a row kept in place while rows land above it (offlineRead: once,
 * beside another file, the row drifted 54 px).
 */
const aloneFiles = [
  '**/cdnCascade.spec.ts',
  '**/cluster.spec.ts',
  '**/demo.spec.ts',
  '**/offlineRead.spec.ts',
  '**/regionFailover.spec.ts',
  '**/sheddable.spec.ts',
  '**/updates.spec.ts',
];

export default defineConfig({
  globalSetup: './tests/e2e/globalSetup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Behaviour, not speed, is under test here (speed is in bench/): a CPU-starved machine takes three times
  // as long over a sign-in, a first sync and a worker install, and must still pass.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
  },
  projects: [
    // The app's scenarios in depth, in Chromium through Playwright: the files that may run beside another
    // (npm test runs them two at a time on two cores), and those that must run alone (`aloneFiles`).
    { name: 'chromium', testDir: 'tests/e2e', testIgnore: aloneFiles },
    { name: 'chromium-alone', testDir: 'tests/e2e', testMatch: aloneFiles },
    // The offline promise in every engine: Chromium, Firefox ESR and WebKitGTK, each through its own driver
    // (tests/engines/engines.ts; Playwright drives only its own builds of the other two).
    { name: 'engines', testDir: 'tests/engines' },
    // The chaos suite's short forms (chaos/; `npm run chaos` runs the full forms).
    { name: 'chaos', testDir: 'tests/chaos' },
    // Each app's own end-to-end tests, found by convention in its folder (scripts/apps.mjs): <app>/tests/*.spec.ts.
    { name: 'apps', testDir: '.', testMatch: /\/(app|examples\/[^/]+)\/tests\/[^/]+\.spec\.ts$/ },
  ],
});
