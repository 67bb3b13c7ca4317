import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** The framework's folders, and the apps' (the workspace in app/, the others in examples/): nothing else. */
const frameworkFolders = ['shared', 'react', 'sw', 'server', 'build'];
const appFolders = ['app', 'examples'];

const within = (path: string, folder: string) => path === folder || path.startsWith(folder + sep);
const isFramework = (path: string) => frameworkFolders.some((folder) => within(relative(root, path), folder));
const isApp = (path: string) => appFolders.some((folder) => within(relative(root, path), folder));
const frameworkFiles = () => frameworkFolders.flatMap((folder) => sourceFiles(join(root, folder)));
/** Every module a file names: static and dynamic imports, re-exports, Vite's globs and `new URL(…, import.meta.url)`. */
const importsOf = (path: string) =>
  [...readFileSync(path, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|import\.meta\.glob(?:<[^>]*>)?\(\s*|new URL\(\s*)['"]([^'"]+)['"]/g)].map(
    ([, specifier]) => specifier!,
  );

/** Imports in these folders that reach a framework file by relative path, instead of through an entry. */
const reachInsFrom = (folders: readonly string[]) =>
  folders
    .flatMap((folder) => sourceFiles(join(root, folder)))
    .flatMap((path) =>
      importsOf(path)
        .filter((specifier) => specifier.startsWith('.') && isFramework(join(path, '..', specifier)))
        .map((specifier) => `${relative(root, path)} imports ${specifier}`),
    );

describe('the framework boundary', () => {
  it("the framework never names an app's domain (conversations, canned replies, customers, tasks)", () => {
    const found = frameworkFiles().flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, where: `${relative(root, path)}:${index + 1}` }))
        .filter(({ line }) => /conversation|canned|customer|\btasks?\b/i.test(line))
        .map(({ line, where }) => `${where}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it("apps reach the framework only through its public entry points: package.json's exports ('holdfast/…')", () => {
    // App code: a relative path into the framework is a reach-in, whatever the file.
    const reachIns = reachInsFrom(appFolders);
    expect(reachIns).toEqual([]);
    const exported = Object.values((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports).map((file) =>
      join(root, file),
    );
    // And every public name resolves: the exports map points at real files.
    for (const file of exported) expect(statSync(file).isFile(), file).toBe(true);
  });

  it('the framework imports no app code: an app composes its worker and its server from framework parts', () => {
    const found = frameworkFiles().flatMap((path) =>
      importsOf(path)
        .filter((specifier) => specifier.startsWith('.') && isApp(join(path, '..', specifier)))
        .map((specifier) => `${relative(root, path)} imports ${specifier}`),
    );
    expect(found).toEqual([]);
  });

  it('tests and benchmarks reach the framework as apps do, through its entries (internals through holdfast/internal…), never a file by path', () => {
    const reachIns = reachInsFrom(['tests', 'bench', 'chaos']);
    expect(reachIns).toEqual([]);
  });

  it("the framework reaches its own parts by relative path, never by its package name ('holdfast/…'): emitted as a package, it must not need itself installed", () => {
    const found = frameworkFiles().flatMap((path) =>
      importsOf(path)
        .filter((specifier) => /^holdfast(\/|$)/.test(specifier))
        .map((specifier) => `${relative(root, path)} imports ${specifier}`),
    );
    expect(found).toEqual([]);
  });
});
