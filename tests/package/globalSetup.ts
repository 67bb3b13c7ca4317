import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The packed framework (npm run pack): the tarball, and the folder it was packed from. */
    tarball: string;
    staged: string;
  }
}

/** Packs the framework once for the package tests (about 30 s on 2 cores): they install and read what a stranger would get. */
export default function setup(project: TestProject): void {
  const root = join(import.meta.dirname, '..', '..');
  const output = execFileSync(process.execPath, [join(root, 'scripts', 'pack.mjs')], { cwd: root, encoding: 'utf8' });
  const tarball = output.trim().split('\n').at(-1)!;
  project.provide('tarball', tarball);
  project.provide('staged', join(root, '.cache', 'pack', 'holdfast'));
}
