// The apps of this repository, found by convention: `app/` (the agent workspace) and every folder under
// `examples/` that holds a `vite.config.ts`. A new app needs no line in package.json or in any script:
// its folder is enough. Build and start read this list;
// typecheck (every tsconfig.json) and the test configs (<app>/tests/ globs) follow the same convention.
//   page:    <app>/vite.config.ts, built first
//   worker:  <app>/vite.sw.config.ts, built second (it lists the page's files to precache)
//   server:  <app>/server/main.ts
//   build:   <app>/dist, or the repository's dist/ for the workspace (where it has always been)
//   tests:   <app>/tests/*.test.ts (Vitest) and <app>/tests/*.spec.ts (Playwright)
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('..', import.meta.url).pathname;

/** Every app, the workspace first: `{ name, dir, page, worker?, server?, dist }` with absolute paths. */
export function findApps() {
  const examples = join(repoRoot, 'examples');
  const dirs = [
    ['workspace', join(repoRoot, 'app')],
    ...(existsSync(examples) ? readdirSync(examples, { withFileTypes: true }).filter((entry) => entry.isDirectory()) : []).map((entry) => [
      entry.name,
      join(examples, entry.name),
    ]),
  ];
  return dirs
    .filter(([, dir]) => existsSync(join(dir, 'vite.config.ts')))
    .map(([name, dir]) => ({
      name,
      dir,
      page: join(dir, 'vite.config.ts'),
      worker: existsSync(join(dir, 'vite.sw.config.ts')) ? join(dir, 'vite.sw.config.ts') : undefined,
      server: existsSync(join(dir, 'server', 'main.ts')) ? join(dir, 'server', 'main.ts') : undefined,
      dist: name === 'workspace' ? join(repoRoot, 'dist') : join(dir, 'dist'),
    }));
}

/** The app called `name` (`workspace`, or an example's folder name); exits with the list when there is none. */
export function appNamed(name = 'workspace') {
  const apps = findApps();
  const app = apps.find((candidate) => candidate.name === name);
  if (app) return app;
  console.error(`No app called "${name}". The apps: ${apps.map((candidate) => candidate.name).join(', ')}.`);
  process.exit(2);
}
