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

  it("apps reach the framework only through its public entry points: package.json's exports ('holdfast/…')", () => {
    const frameworkFolders = ['react', 'sw'].map((folder) => join(root, folder));
    const isFramework = (target: string) =>
      (target.startsWith(join(root, 'shared')) && !target.startsWith(join(root, 'shared', 'workspace'))) || frameworkFolders.some((folder) => target.startsWith(folder));
    const importsOf = (path: string) => [...readFileSync(path, 'utf8').matchAll(/from '([^']+)'/g)].map(([, specifier]) => specifier!);
    // App code: a relative path into the framework is a reach-in, whatever the file.
    const appFolders = ['app', 'server', join('shared', 'workspace')];
    const reachIns = appFolders
      .flatMap((folder) => sourceFiles(join(root, folder)))
      .flatMap((path) => importsOf(path).filter((specifier) => specifier.startsWith('.') && isFramework(join(path, '..', specifier))).map((specifier) => `${relative(root, path)} imports ${specifier}`));
    // Build tooling runs in Node while Vite loads its config, which cannot resolve the package's own
    // exports to TypeScript: relative paths, but only to the files the exports name.
    const exported = Object.values((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports).map((file) => join(root, file));
    const buildReachIns = sourceFiles(join(root, 'build')).flatMap((path) =>
      importsOf(path)
        .filter((specifier) => specifier.startsWith('.') && isFramework(join(path, '..', specifier)) && !exported.includes(join(path, '..', specifier).replace(/\.js$/, '.ts')))
        .map((specifier) => `${relative(root, path)} imports ${specifier}`),
    );
    expect([...reachIns, ...buildReachIns]).toEqual([]);
    // And every public name resolves: the exports map points at real files.
    for (const file of exported) expect(statSync(file).isFile(), file).toBe(true);
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
