import { openDatabase, readConfig } from 'holdfast/server';
import { rotateMediaKey } from './mediaKeys.js';
import { workspaceMigrations } from './workspaceServerApp.js';

/** `npm run rotate-media-key`: a new media signing key for the configured database (DATABASE_URL or DATA_DIR). */
const config = readConfig();
const db = await openDatabase({ ...config, migrations: workspaceMigrations });
try {
  const [current, previous] = await rotateMediaKey(db);
  console.log(`Media URLs are signed with key ${current!.id} now; key ${previous?.id ?? '(none)'} still verifies the URLs already handed out. Servers pick it up within a minute.`);
} finally {
  await db.close();
}
