import { runServer } from 'holdfast/server';
import { isSeeded, seedTasks } from './seedTasks.js';
import { tasksMigrations, tasksServerApp } from './tasksServerApp.js';

/** The task list's server: `npm run example:tasks` builds the page and runs this. */
await runServer({ dataDir: 'data/tasks-pglite', app: () => tasksServerApp, migrations: tasksMigrations, seed: { isSeeded, run: seedTasks } });
