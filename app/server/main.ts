import { runServer } from 'holdfast/server';
import { nodeSeedPlatform } from './seed/nodeSeedPlatform.js';
import { isSeeded, seedDemo } from './seed/seedDemo.js';
import { workspaceMigrations, workspaceServerApp } from './workspaceServerApp.js';

/** The agent workspace's server: `npm start` runs this after building the app. */
await runServer({ app: workspaceServerApp, migrations: workspaceMigrations, seed: { isSeeded, run: (db) => seedDemo(db, nodeSeedPlatform) } });
