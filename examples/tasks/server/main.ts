import { runServer } from 'holdfast/server';
import { isSeeded, seedTasks } from './seedTasks.js';
import { tasksMigrations, tasksServerApp } from './tasksServerApp.js';

/** The task list's server (its data in data/tasks): `npm start tasks` builds the app and runs this. */
await runServer({ name: 'tasks', app: () => tasksServerApp, migrations: tasksMigrations, seed: { isSeeded, run: seedTasks } });
