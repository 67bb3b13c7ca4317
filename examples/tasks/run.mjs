// `npm run example:tasks`: builds the task list when its build is missing or older than its sources, then
// runs its server on http://localhost:8090 with its own embedded database (seeded on first start).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..', '..');
const built = join(here, 'dist', 'sw.js');

const newest = (dir) =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
const sources = Math.max(
  ...['client', 'shared', 'worker'].map((dir) => newest(join(here, dir))),
  ...['shared', 'sw', 'react'].map((dir) => newest(join(root, dir))),
);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building the task list…');
  const build = spawnSync('npm', ['run', 'build:tasks'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env = { PORT: '8090', SEED: 'demo', ...process.env, STATIC_DIR: join(here, 'dist') };
const server = spawn(process.execPath, ['--import', 'tsx', join(here, 'server', 'main.ts')], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
