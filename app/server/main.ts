import { runServer } from 'holdfast/server';
import { nodeSeedPlatform } from './seed/nodeSeedPlatform.js';
import { isSeeded, seedDemo } from './seed/seedDemo.js';
import { workspaceMigrations, workspaceServerApp } from './workspaceServerApp.js';

/** The agent workspace's server: `npm start` runs this after building the app. */
// Its data stays in data/pglite, where every install before apps had their own directories keeps it.
await runServer({
  name: 'workspace',
  dataDir: 'data/pglite',
  app: workspaceServerApp,
  migrations: workspaceMigrations,
  seed: { isSeeded, run: (db) => seedDemo(db, nodeSeedPlatform) },
});
