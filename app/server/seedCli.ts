import { runSeed } from 'holdfast/server';
import { nodeSeedPlatform } from './seed/nodeSeedPlatform.js';
import { isSeeded, seedDemo } from './seed/seedDemo.js';
import { workspaceMigrations } from './workspaceServerApp.js';

/** `npm run seed`: migrate and seed the configured database if it is empty (tests build templates with it). */
const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
await runSeed({
  migrations: workspaceMigrations,
  seed: {
    isSeeded,
    run: (db) =>
      seedDemo(db, nodeSeedPlatform, { conversations: number('SEED_CONVERSATIONS'), messagesPerConversation: number('SEED_MESSAGES_PER_CONVERSATION') }),
  },
});
