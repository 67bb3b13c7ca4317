import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/tempDir.js';

const root = join(import.meta.dirname, '..', '..', '..');
// Plain JavaScript scripts of the repository (no types): what build, start and test rely on.
const { findApps } = (await import(join(root, 'scripts', 'apps.mjs'))) as {
  findApps: () => { name: string; dir: string; page: string; worker?: string; server?: string; dist: string }[];
};

const newApp = (...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'newApp.mjs'), ...args], { cwd: root, encoding: 'utf8' });

describe('apps by convention (scripts/apps.mjs)', () => {
  it('finds the workspace and every example with a page config, with their parts', () => {
    const apps = findApps();
    expect(apps.map((app) => app.name)).toEqual([
      'workspace',
      ...readdirSync(join(root, 'examples')).filter((name) => existsSync(join(root, 'examples', name, 'vite.config.ts'))),
    ]);
    for (const app of apps) {
      expect(existsSync(app.page), app.name).toBe(true);
      expect(app.worker && existsSync(app.worker), app.name).toBe(true);
      expect(app.server && existsSync(app.server), app.name).toBe(true);
    }
    expect(apps.find((app) => app.name === 'workspace')!.dist).toBe(join(root, 'dist'));
    expect(apps.find((app) => app.name === 'tasks')!.dist).toBe(join(root, 'examples', 'tasks', 'dist'));
  });
});

describe('npm run new-app', () => {
  it('writes the guide’s app under the new name, outside the repository with a package.json and no tests', () => {
    const into = join(tempDir('holdfast-new-app-'), 'field-log');
    const result = newApp('field-log', '--into', into, '--holdfast', 'file:/somewhere/holdfast.tgz');
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(into, 'shared', 'notes.ts'), 'utf8')).toContain("export const appName = 'field-log';");
    expect(readFileSync(join(into, 'client', 'index.html'), 'utf8')).toContain('<title>Field Log</title>');
    const pkg = JSON.parse(readFileSync(join(into, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    expect(pkg.name).toBe('field-log');
    expect(pkg.dependencies.holdfast).toBe('file:/somewhere/holdfast.tgz');
    expect(existsSync(join(into, 'tests'))).toBe(false);
    expect(existsSync(join(into, 'dist'))).toBe(false);
  });

  it('refuses a name that cannot name an app, a folder that is not empty, and --into inside the repository, writing nothing', () => {
    for (const name of ['Bad Name', 'x', '9lives', 'a/b', '']) {
      const result = newApp(name);
      expect(result.status, name).toBe(2);
      expect(result.stderr, name).toMatch(/cannot name an app|Usage/);
    }
    expect(existsSync(join(root, 'examples', 'Bad Name'))).toBe(false);

    const taken = tempDir('holdfast-new-app-taken-');
    writeFileSync(join(taken, 'keep.txt'), 'mine');
    const intoTaken = newApp('field-log', '--into', taken);
    expect(intoTaken.status).toBe(2);
    expect(intoTaken.stderr).toContain('not empty: nothing was written');
    expect(readdirSync(taken)).toEqual(['keep.txt']);

    const existing = newApp('tasks');
    expect(existing.status).toBe(2);
    expect(existing.stderr).toContain('not empty');

    const inside = join(root, '.cache', 'new-app-inside');
    mkdirSync(inside, { recursive: true });
    const intoRepo = newApp('field-log', '--into', inside);
    expect(intoRepo.status).toBe(2);
    expect(readdirSync(inside)).toEqual([]);
  });
});
