import { test as base } from '@playwright/test';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { ServerProcess } from '../support/serverProcess.js';

/** Each engine test's own real server, on a copy of the seeded database; its start is not the test's time. */
export const engineTest = base.extend<{ server: ServerProcess }>({
  server: [
    async ({}, use) => {
      const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
      await use(server);
      await server.stop();
    },
    { timeout: 180_000 },
  ],
});
