import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('the framework boundary', () => {
  it("outside the workspace's own module, the framework core never names the workspace's domain", () => {
    const found = sourceFiles(join(root, 'shared'))
      .filter((path) => !relative(root, path).startsWith(join('shared', 'workspace')))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .map((line, index) => ({ line, where: `${relative(root, path)}:${index + 1}` }))
          .filter(({ line }) => /conversation|canned|customer|\btasks?\b/i.test(line))
          .map(({ line, where }) => `${where}: ${line.trim()}`),
      );
    expect(found).toEqual([]);
  });

  it('apps reach the framework only through its public entry points (shared/index, client, envelope, cascadeCore)', () => {
    const publicEntries = ['index', 'client', 'envelope', 'cascadeCore'].map((name) => join(root, 'shared', `${name}.ts`));
    const appFolders = ['app', 'sw', 'server', 'build', join('shared', 'workspace')];
    const reachIns = appFolders
      .flatMap((folder) => sourceFiles(join(root, folder)))
      .flatMap((path) =>
        [...readFileSync(path, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].flatMap(([, specifier]) => {
          const target = join(path, '..', specifier!).replace(/\.js$/, '.ts');
          const inFramework = relative(root, target).startsWith('shared') && !relative(root, target).startsWith(join('shared', 'workspace'));
          return inFramework && !publicEntries.includes(target) ? [`${relative(root, path)} imports ${specifier}`] : [];
        }),
      );
    expect(reachIns).toEqual([]);
  });

  it("the framework's worker parts (sw/) import no app code: an app composes its worker from them", () => {
    const appCode = [join('shared', 'workspace'), 'app', 'server'];
    const found = sourceFiles(join(root, 'sw')).flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].flatMap(([, specifier]) => {
        const target = relative(root, join(path, '..', specifier!));
        return appCode.some((folder) => target.startsWith(folder)) ? [`${relative(root, path)} imports ${specifier}`] : [];
      }),
    );
    expect(found).toEqual([]);
  });
});
