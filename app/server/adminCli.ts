import { parseArgs } from 'node:util';
import { addAgent, incidentCommand, incidentUsage, openDatabase, readConfig } from 'holdfast/server';
import { rotateMediaKey } from './mediaKeys.js';
import { workspaceMigrations } from './workspaceServerApp.js';

/**
 * The operator's commands on the configured database (DATABASE_URL, or DATA_DIR for PGlite):
 *   npm run migrate                                   apply the migrations, nothing else
 *   AGENT_PASSWORD=… npm run add-agent -- --tenant "Acme Support" --email ann@acme.example --name "Ann Lee"
 *   npm run rotate-media-key                          a new media signing key (servers take it within a minute)
 *   npm run incident -- draft --from … --to … --title "…" [--prometheus http://…]   an outage report's draft
 *   npm run incident -- publish <id> --file edited.md   publish it once a person has edited it (/status lists it)
 * The password comes from the environment, never the command line (which other users of the host can read).
 */
const [command, ...rest] = process.argv.slice(2);
const config = readConfig();
const db = await openDatabase({ ...config, migrations: workspaceMigrations });
try {
  if (command === 'migrate') console.log('Migrated.');
  else if (command === 'add-agent') {
    const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } } });
    if (!values.tenant || !values.email || !values.name) throw new Error('add-agent needs --tenant, --email and --name.');
    if (!process.env.AGENT_PASSWORD) throw new Error('add-agent reads the password from AGENT_PASSWORD.');
    const { tenantId, agentId } = await addAgent(db, { tenant: values.tenant, email: values.email, name: values.name, password: process.env.AGENT_PASSWORD });
    console.log(`Added agent ${agentId} to tenant ${tenantId}.`);
  } else if (command === 'rotate-media-key') {
    const [current, previous] = await rotateMediaKey(db);
    console.log(`Media URLs are signed with key ${current!.id} now; key ${previous?.id ?? '(none)'} still verifies the URLs already handed out.`);
  } else if (command === 'incident') await incidentCommand(db, rest);
  else throw new Error(`Unknown command "${command ?? ''}": migrate, add-agent, rotate-media-key or ${incidentUsage}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
