// `npm start`: builds the app when the build is missing or older than its sources, then runs the
// reference server (which migrates, and seeds an empty database with the demo data).
import { spawn } from 'node:child_process';
import { ensureBuilt } from './ensureBuilt.mjs';

const root = new URL('..', import.meta.url).pathname;
ensureBuilt();
const server = spawn(process.execPath, ['--import', 'tsx', 'server/workspace/main.ts'], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
