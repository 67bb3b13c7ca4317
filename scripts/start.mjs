// `npm start [-- <app>]`: builds the app (default: the agent workspace) when its build is missing or older
// than its sources, then runs its server, which migrates, and with SEED=demo seeds an empty database with
// the demo data. `npm start -- tasks` runs examples/tasks on port 8090; any app found by scripts/apps.mjs runs.
import { spawn } from 'node:child_process';
import { ensureBuilt } from './ensureBuilt.mjs';
import { repoRoot } from './apps.mjs';

const app = ensureBuilt(process.argv[2]);
if (!app.server) {
  console.error(`${app.name} has no server/main.ts to run.`);
  process.exit(2);
}
// The demo data in an empty database (a production server seeds nothing: SEED is unset there). Each app
// keeps its own database (runServer: data/<name>) and serves its own build; examples take port 8090.
const env = { SEED: 'demo', ...(app.name === 'workspace' ? {} : { PORT: '8090' }), ...process.env, STATIC_DIR: process.env.STATIC_DIR ?? app.dist };
const server = spawn(process.execPath, ['--import', 'tsx', app.server], { cwd: repoRoot, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
