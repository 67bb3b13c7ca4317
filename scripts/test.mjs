// `npm test`: installs what the tests need and is missing (Chromium, Firefox ESR, WebKitGTK's WebKitWebDriver and Xvfb,
// PostgreSQL, Prometheus, HAProxy — via apt-get when run
// as root), then runs lint (Biome, knip), typecheck, build and size budgets, the Vitest projects (unit, API,
// each app's own, the packed framework), and the Playwright projects (end-to-end in Chromium, the offline
// promise in three engines, the chaos suite's short forms, each app's own). Files that may run beside
// another run two at a time on two cores (Vitest: vitest.config.ts; Playwright: the `chromium` project).
// Ends with one line counting every test: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, '.cache', 'reports');
// Last run's reports go first: a step that writes none must count as failed, not as the old figures.
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const isRoot = process.getuid?.() === 0;
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(title, command, args, env = {}) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

const hasPostgres = () =>
  existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((version) => existsSync(`/usr/lib/postgresql/${version}/bin/initdb`));

const missing = [];
if (!existsSync(chromium)) missing.push('chromium');
if (!process.env.TEST_DATABASE_URL && !hasPostgres()) missing.push('postgresql');
// Debian's Prometheus scrapes the server's /metrics in the API tests.
if (!existsSync(process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus')) missing.push('prometheus');
// Debian's HAProxy runs in front of the cluster's nodes (npm run cluster, the cluster tests).
if (!existsSync('/usr/sbin/haproxy')) missing.push('haproxy');
// The other engines an agent may be given (tests/engines): Firefox ESR, and WebKitGTK's driver and MiniBrowser
// under Xvfb (the MiniBrowser has no headless mode).
if (!existsSync(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr')) missing.push('firefox-esr');
if (!existsSync('/usr/bin/WebKitWebDriver')) missing.push('webkit2gtk-driver');
if (!existsSync('/usr/bin/Xvfb')) missing.push('xvfb');
if (missing.length > 0) {
  if (!isRoot) {
    console.error(`Missing for the tests: ${missing.join(', ')}. Install them (Debian: sudo apt-get install -y ${missing.join(' ')}) and run npm test again.`);
    process.exit(1);
  }
  const apt = { DEBIAN_FRONTEND: 'noninteractive' };
  if (
    !run('apt-get update', 'apt-get', ['update', '-qq'], apt) ||
    !run(`apt-get install ${missing.join(' ')}`, 'apt-get', ['install', '-y', '-qq', ...missing], apt)
  ) {
    console.error(`Could not install ${missing.join(', ')} with apt-get.`);
    process.exit(1);
  }
}

const steps = [
  ['lint, format and unused code (Biome, knip)', 'npm', ['run', 'lint']],
  ['typecheck', 'npm', ['run', 'typecheck']],
  ['build', 'npm', ['run', 'build']],
  ['size budgets', process.execPath, ['--import', 'tsx', 'scripts/checkBudgets.mjs']],
];
for (const [title, command, args] of steps) {
  if (!run(title, command, args)) {
    console.error(`\n${title} failed.`);
    process.exit(1);
  }
}

const vitestOk = run('unit and API tests (Vitest)', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(reports, 'vitest.json')}`,
]);
// Playwright twice: first the end-to-end files that may run beside another, two at a time on a machine
// with two cores or more (their waits are timers and deadlines, so they overlap well); then, one at a
// time, the files that must run alone, the three engines, the chaos short forms and the apps.
const sideBySide = Math.min(2, availableParallelism());
const playwrightOk = [
  run(
    `end-to-end tests, ${sideBySide} at a time (Playwright: Chromium in depth)`,
    'npx',
    ['playwright', 'test', '--project=chromium', `--workers=${sideBySide}`, '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright-side-by-side.json') },
  ),
  run(
    'end-to-end tests, one at a time (Playwright: Chromium in depth, the files that run alone; Chromium, Firefox ESR and WebKitGTK for the offline promise; the chaos short forms; the apps)',
    'npx',
    ['playwright', 'test', '--project=chromium-alone', '--project=engines', '--project=chaos', '--project=apps', '--workers=1', '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright.json') },
  ),
].every(Boolean);

let passed = 0;
let failed = 0;
try {
  const vitest = JSON.parse(readFileSync(join(reports, 'vitest.json'), 'utf8'));
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
} catch {
  failed += 1;
}
for (const report of ['playwright-side-by-side.json', 'playwright.json']) {
  try {
    const playwright = JSON.parse(readFileSync(join(reports, report), 'utf8'));
    passed += playwright.stats.expected;
    failed += playwright.stats.unexpected + playwright.stats.flaky;
  } catch {
    failed += 1;
  }
}
const ok = vitestOk && playwrightOk && failed === 0 && passed > 0;
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
