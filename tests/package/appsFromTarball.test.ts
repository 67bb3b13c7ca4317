import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answersOk, freePort, ManagedProcess } from '../../deploy/cluster/ManagedProcess.js';
import { chromiumArgs } from '../../playwright.config.js';
import { TestApi } from '../support/testApi.js';
import { tempDir } from '../support/tempDir.js';

const root = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
/** The versions this repository installed: npm's cache already holds them, so the install needs little network. */
const locked = (name: string) => lock.packages[`node_modules/${name}`]!.version;

/**
 * The environment of a stranger's shell: none of npm's variables from the outer `npm test`, and no
 * NODE_ENV (Vitest sets it to "test", with which Vite builds a page that is not a production build).
 */
const strangerEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name) && name !== 'NODE_ENV')) as Record<
    string,
    string
  >;

/** Runs a tool of the app's own node_modules in the app's folder, as a stranger's shell would. */
function runIn(dir: string, command: string, args: readonly string[]): string {
  const env = strangerEnv();
  try {
    return execFileSync(command, args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));

/**
 * An app as a stranger would have it, outside this repository, the framework installed from the packed
 * tarball (no path, no link into these sources), then typechecked and built: the tasks app's folder
 * copied, and a new app from `npm run new-app --into` (the minimal app of docs/build-an-app.md), which is
 * also run: its server from the install, and its offline round trip in Chromium.
 */
const apps: { app: string; create: (dir: string) => void; run: ((dir: string) => Promise<void>) | undefined }[] = [
  {
    app: 'the tasks app',
    create(dir: string) {
      // Its sources only: no build, no data, no tests (they use this repository's test support).
      cpSync(join(root, 'examples', 'tasks'), dir, { recursive: true, filter: (path) => !/[\\/](dist|data|node_modules|tests)$/.test(path) });
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify(
          {
            name: 'tasks-outside',
            private: true,
            type: 'module',
            dependencies: {
              holdfast: `file:${inject('tarball')}`,
              idb: locked('idb'),
              react: locked('react'),
              'react-dom': locked('react-dom'),
              'workbox-precaching': locked('workbox-precaching'),
            },
            devDependencies: Object.fromEntries(
              ['vite', '@vitejs/plugin-react', 'typescript', '@types/react', '@types/react-dom', '@types/node'].map((name) => [name, locked(name)]),
            ),
          },
          null,
          2,
        ),
      );
    },
    run: undefined,
  },
  {
    app: 'a new app from npm run new-app',
    create(dir: string) {
      runIn(root, process.execPath, [join(root, 'scripts', 'newApp.mjs'), 'field-log', '--into', dir, '--holdfast', `file:${inject('tarball')}`]);
    },
    run: runNewApp,
  },
];

/** The new app run from its install: its server, and its offline round trip in Chromium. */
async function runNewApp(dir: string): Promise<void> {
  const port = await freePort();
  const server = new ManagedProcess({
    command: join(dir, 'node_modules', '.bin', 'tsx'),
    args: ['server/main.ts'],
    cwd: dir,
    env: { NODE_ENV: '', SEED: 'demo', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('holdfast-new-app-data-'), STATIC_DIR: join(dir, 'dist') },
    ready: () => answersOk(`http://127.0.0.1:${port}/readyz`),
  });
  await server.start();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const url = `http://127.0.0.1:${port}`;
    const context = await browser.newContext({ baseURL: url });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto('/');
    await page.getByRole('textbox', { name: 'Email' }).fill('ann@field-log.example');
    await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const status = page.getByRole('status', { name: 'Sync status' });
    await status.getByText('Online').waitFor({ timeout: 60_000 });
    // The worker controls the page: a cold start can come from it.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    // Offline: a cold start from the worker, a note written and kept across a reload.
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('textbox', { name: 'New note' }).fill('Written offline');
    await page.getByRole('button', { name: 'Add' }).click();
    // On screen once it is stored (the outbox resolves then); a reload before that may abort its write,
    // as closing the page in that instant would. Seen once on a loaded CI machine.
    const written = page.getByRole('listitem', { name: 'Written offline' }).getByText('not sent yet');
    await written.waitFor({ timeout: 30_000 });
    await page.reload();
    await written.waitFor({ timeout: 30_000 });
    await context.setOffline(false);
    await status.getByText('All saved').waitFor({ timeout: 60_000 });
    const ann = await TestApi.signIn(url, 'ann@field-log.example');
    const { notes } = await ann.json<{ notes: { text: string; version: number }[] }>('/api/sync?limit=100');
    expect(notes).toEqual([expect.objectContaining({ text: 'Written offline', version: 1 })]);
  } finally {
    await browser.close();
    await server.stop();
  }
}

describe.each(apps)('$app, outside the repository, on the packed framework', ({ create, run }) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'holdfast-app-'));
    expect(relative(root, dir).startsWith('..')).toBe(true);
    create(dir);
    runIn(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
  }, 600_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));
  it('installs the framework as a package: JavaScript and types, nothing of this repository', () => {
    const installed = join(dir, 'node_modules', 'holdfast');
    expect(statSync(installed).isDirectory() && !statSync(installed).isSymbolicLink()).toBe(true);
    const files = filesUnder(installed);
    expect(files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toBe(false);
    expect(files.filter((file) => file.endsWith('.d.ts')).length).toBeGreaterThan(50);
    // The server's entry loads under Node from the install alone: its dependencies are declared.
    expect(
      runIn(dir, process.execPath, [
        '--input-type=module',
        '-e',
        "const server = await import('holdfast/server'); console.log(typeof server.buildServer)",
      ]).trim(),
    ).toBe('function');
  });

  it('typechecks its page, worker and server against the package, reading no file of this repository', () => {
    for (const project of ['client', 'worker', 'server']) {
      runIn(dir, join(dir, 'node_modules', '.bin', 'tsc'), ['-p', project]);
      const read = runIn(dir, join(dir, 'node_modules', '.bin', 'tsc'), ['-p', project, '--listFilesOnly'])
        .split('\n')
        .filter(Boolean);
      expect(
        read.filter((file) => file.startsWith(root)),
        project,
      ).toEqual([]);
      expect(
        read.some((file) => file.includes('node_modules/holdfast/')),
        project,
      ).toBe(true);
    }
  }, 300_000);

  it('builds with Vite: page and worker, and the build names no path of this repository', () => {
    const vite = join(dir, 'node_modules', '.bin', 'vite');
    runIn(dir, vite, ['build', '--config', 'vite.config.ts', '--logLevel', 'warn']);
    runIn(dir, vite, ['build', '--config', 'vite.sw.config.ts', '--logLevel', 'warn']);
    expect(existsSync(join(dir, 'dist', 'index.html'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'sw.js'))).toBe(true);
    const built = filesUnder(join(dir, 'dist')).filter((file) => /\.(js|html|css|map)$/.test(file));
    expect(built.filter((file) => readFileSync(file, 'utf8').includes(root))).toEqual([]);
    // The worker precaches the page's build (holdfast/build's plugin, from the package).
    expect(readFileSync(join(dir, 'dist', 'sw.js'), 'utf8')).toMatch(/index\.html/);
  }, 300_000);

  if (run) it('runs from the install: its server serves its build, and a note written offline reaches the server once', () => run(dir), 300_000);
});
