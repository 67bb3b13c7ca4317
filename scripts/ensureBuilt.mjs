// Builds the app when the build is missing or older than its sources: `npm start` and `npm run cluster`
// serve dist/. Run directly (`node scripts/ensureBuilt.mjs`) or imported.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'dist', 'sw.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuilt() {
  const sourcesTime = Math.max(...['app', 'sw', 'shared', 'react', 'build'].map((dir) => newestSource(join(root, dir))));
  if (existsSync(built) && statSync(built).mtimeMs >= sourcesTime) return;
  console.log('Building the app…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
