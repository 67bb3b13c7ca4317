import { readConfig } from './config.js';
import { openDatabase } from './db/openDatabase.js';
import { buildServer } from './http/buildServer.js';
import { isSeeded, seedDemo } from './seed/seedDemo.js';

/** The reference server: `npm start` runs this after building the app. */
const config = readConfig();
const db = await openDatabase(config);
if (config.seedWhenEmpty && !(await isSeeded(db))) {
  console.log('Empty database: seeding the demo tenants…');
  await seedDemo(db);
}
const app = await buildServer({ db, staticDir: config.staticDir, logRequests: config.logRequests, serveSourceMaps: config.serveSourceMaps, ...config.limits });

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  // Close the database even if the HTTP server hangs on an open event stream, so the PGlite lock is released.
  await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, 2000))]);
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

await app.listen({ port: config.port, host: config.host });
const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
console.log(`Holdfast listening on http://${config.host}:${config.port} — data: ${where}`);
