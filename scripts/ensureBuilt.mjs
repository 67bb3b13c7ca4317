// Builds an app when its build is missing or older than its sources or the framework's: `npm start` and
// `npm run cluster` serve a build. Run directly (`node scripts/ensureBuilt.mjs [<app>]`) or imported.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appNamed, repoRoot } from './apps.mjs';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The app's build, built first when stale; returns the app (scripts/apps.mjs). */
export function ensureBuilt(name = 'workspace') {
  const app = appNamed(name);
  const built = join(app.dist, 'sw.js');
  const sourcesTime = Math.max(newestSource(app.dir), ...['sw', 'shared', 'react', 'build'].map((dir) => newestSource(join(repoRoot, dir))));
  if (existsSync(built) && statSync(built).mtimeMs >= sourcesTime) return app;
  console.log(`Building ${app.name}…`);
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), app.name], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt(process.argv[2]);
