import { readConfig } from './config.js';
import { openDatabase } from './db/openDatabase.js';
import { isSeeded, seedDemo } from './seed/seedDemo.js';

/** `npm run seed`: migrate and seed the configured database if it is empty (tests build templates with it). */
const config = readConfig();
const db = await openDatabase(config);
try {
  if (await isSeeded(db)) console.log('Already seeded; nothing to do.');
  else {
    const started = Date.now();
    await seedDemo(db, {
      conversations: process.env.SEED_CONVERSATIONS ? Number(process.env.SEED_CONVERSATIONS) : undefined,
      messagesPerConversation: process.env.SEED_MESSAGES_PER_CONVERSATION ? Number(process.env.SEED_MESSAGES_PER_CONVERSATION) : undefined,
    });
    console.log(`Seeded in ${Date.now() - started} ms.`);
  }
} finally {
  await db.close();
}
