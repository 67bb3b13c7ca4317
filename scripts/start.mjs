// `npm start`: builds the app when the build is missing or older than its sources, then runs the
// reference server (which migrates, and with SEED=demo seeds an empty database with the demo data).
import { spawn } from 'node:child_process';
import { ensureBuilt } from './ensureBuilt.mjs';

const root = new URL('..', import.meta.url).pathname;
ensureBuilt();
// The demo data in an empty database (a production server seeds nothing: SEED is unset there).
const server = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], { cwd: root, stdio: 'inherit', env: { SEED: 'demo', ...process.env } });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
