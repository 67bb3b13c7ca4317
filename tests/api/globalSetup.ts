import { preparePgliteTemplate } from '../support/pgliteTemplate.js';
import { preparePostgresTemplate, startPostgres } from '../support/postgresServer.js';

/** Prepares both seeded databases once, before any API test file starts a server. */
export default async function setup() {
  await preparePgliteTemplate();
  const stopPostgres = await startPostgres();
  await preparePostgresTemplate();
  return () => stopPostgres();
}
