import { join, relative } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from '../../../tests/e2e/fixtures.js';
import { repoRoot } from '../../../tests/support/paths.js';
import { ServerProcess } from '../../../tests/support/serverProcess.js';
import { TestApi } from '../../../tests/support/testApi.js';
import { tempDir } from '../../../tests/support/tempDir.js';

/**
 * The minimal app of docs/build-an-app.md (`npm run new-app` copies this folder, this test included), in
 * real Chromium against its real server: notes written offline survive a cold start and a reload, reach
 * the server exactly once, and stay their writer's own.
 */
const appDir = join(import.meta.dirname, '..');
const appName = 'notes';
type Note = { id: string; text: string; ownerId: string; version: number };

const test = base.extend<object, { appServer: ServerProcess }>({
  appServer: [
    async ({}, use) => {
      const server = await ServerProcess.start(
        { dataDir: tempDir(`holdfast-${appName}-e2e-`) },
        { SEED: 'demo', STATIC_DIR: join(appDir, 'dist') },
        relative(repoRoot, join(appDir, 'server', 'main.ts')),
      );
      await use(server);
      await server.stop();
    },
    // Opening and seeding a fresh PGlite takes seconds here and far longer on a starved machine.
    { scope: 'worker', timeout: 180_000 },
  ],
  baseURL: async ({ appServer }, use) => use(appServer.url),
});

const status = (page: Page) => page.getByRole('status', { name: 'Sync status' });
const note = (page: Page, text: string) => page.getByRole('listitem', { name: text, exact: true });
const notesOf = async (api: TestApi) => (await api.json<{ notes: Note[] }>('/api/sync?limit=1000')).notes;

async function signIn(page: Page, email: string) {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(status(page)).toContainText('Online', { timeout: 60_000 });
}

test('notes written offline survive a cold start and a reload, reach the server once, and stay their writer’s', async ({
  page,
  context,
  browser,
  appServer,
}) => {
  await signIn(page, `ann@${appName}.example`);
  await page.getByRole('textbox', { name: 'New note' }).fill('Buy rope');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(status(page)).toContainText('All saved');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
  await expectNoSeriousAxeViolations(page);

  // A cold start with no network: the worker serves the app, IndexedDB the notes. A note written now waits.
  await context.setOffline(true);
  await page.reload();
  await expect(note(page, 'Buy rope')).toBeVisible();
  await page.getByRole('textbox', { name: 'New note' }).fill('Call the harbour master');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(note(page, 'Call the harbour master')).toContainText('not sent yet');
  await page.reload();
  await expect(note(page, 'Call the harbour master')).toContainText('not sent yet');
  await expect(status(page)).toContainText('1 not sent yet');

  // Online again: sent, and applied once.
  const ann = await TestApi.signIn(appServer.url, `ann@${appName}.example`);
  expect((await notesOf(ann)).map((each) => each.text)).toEqual(['Buy rope']);
  await context.setOffline(false);
  await expect(status(page)).toContainText('All saved', { timeout: 60_000 });
  await expect(note(page, 'Call the harbour master')).not.toContainText('not sent yet');
  const annNotes = await notesOf(ann);
  expect(annNotes.map((each) => each.text).sort()).toEqual(['Buy rope', 'Call the harbour master']);
  expect(annNotes.every((each) => each.version === 1)).toBe(true);

  // Ben, in another browser, sees none of Ann's notes; his own note never reaches Ann's screen, pushed or pulled.
  const benContext = await browser.newContext({ baseURL: appServer.url });
  const benPage = await benContext.newPage();
  await signIn(benPage, `ben@${appName}.example`);
  await benPage.getByRole('textbox', { name: 'New note' }).fill('Ben’s own');
  await benPage.getByRole('button', { name: 'Add' }).click();
  await expect(status(benPage)).toContainText('All saved');
  await expect(benPage.getByRole('list', { name: 'Notes' }).getByRole('listitem')).toHaveCount(1);
  await page.reload();
  await expect(note(page, 'Buy rope')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Notes' }).getByRole('listitem')).toHaveCount(2);
  await benContext.close();
});

test('sign-out wipes the member’s local notes and outbox', async ({ page }) => {
  await signIn(page, `ann@${appName}.example`);
  await page.getByRole('textbox', { name: 'New note' }).fill('Before signing out');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(status(page)).toContainText('All saved');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect
    .poll(async () => (await page.evaluate(() => indexedDB.databases())).map((database) => database.name).filter((name) => name?.includes(':')))
    .toEqual([]);
});
