import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
/** The versions this repository installed: npm's cache already holds them, so the install needs little network. */
const locked = (name: string) => lock.packages[`node_modules/${name}`]!.version;

/** Runs a tool of the app's own node_modules in the app's folder, with none of npm's variables from the outer `npm test`. */
function runIn(dir: string, command: string, args: readonly string[]): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name)));
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
 * The tasks app as a stranger would have it: its folder copied outside this repository, the framework
 * installed from the packed tarball (no path, no link into these sources), then typechecked and built.
 */
describe('the tasks app, outside the repository, on the packed framework', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'holdfast-tasks-'));
    expect(relative(root, dir).startsWith('..')).toBe(true);
    // Its sources only: no build, no data, and not run.mjs (a script of this repository's).
    cpSync(join(root, 'examples', 'tasks'), dir, { recursive: true, filter: (path) => !/[\\/](dist|data|node_modules)$|run\.mjs$/.test(path) });
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
});
