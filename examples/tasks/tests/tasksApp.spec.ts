import { join } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from '../../../tests/e2e/fixtures.js';
import { repoRoot } from '../../../tests/support/paths.js';
import { ServerProcess } from '../../../tests/support/serverProcess.js';
import { TestApi } from '../../../tests/support/testApi.js';
import { tempDir } from '../../../tests/support/tempDir.js';

/**
 * The second app on the framework (examples/tasks): its own actions, server registration, worker and
 * migrations, and no framework change. Offline to online in real Chromium against its real server.
 */
type Task = { id: string; title: string; notes: string; done: boolean; assigneeId: string | null; version: number };

const test = base.extend<object, { tasksServer: ServerProcess }>({
  tasksServer: [
    async ({}, use) => {
      // A fresh database, migrated (core, then the app's) and seeded by the app's own server on first start.
      const dataDir = tempDir('holdfast-tasks-e2e-');
      const server = await ServerProcess.start(
        { dataDir },
        { SEED: 'demo', STATIC_DIR: join(repoRoot, 'examples', 'tasks', 'dist') },
        'examples/tasks/server/main.ts',
      );
      await use(server);
      await server.stop();
    },
    // Opening and seeding a fresh PGlite takes seconds here and far longer on a starved machine.
    { scope: 'worker', timeout: 180_000 },
  ],
  baseURL: async ({ tasksServer }, use) => use(tasksServer.url),
});

const status = (page: Page) => page.getByRole('status', { name: 'Sync status' });
const taskRow = (page: Page, title: string) => page.getByRole('listitem', { name: title, exact: true });

async function allTasks(api: TestApi): Promise<Task[]> {
  const { tasks } = await api.json<{ tasks: Task[] }>('/api/sync?limit=1000');
  return tasks;
}

test('tasks created and changed offline survive a cold start and a reload, and reach the server exactly once', async ({ page, context, tasksServer }) => {
  const ben = await TestApi.signIn(tasksServer.url, 'ben@tasks.example');
  const { members } = await ben.json<{ members: { id: string; name: string }[] }>('/api/members');
  const benId = members.find((member) => member.name === 'Ben Okafor')!.id;

  // Online: sign in; the team's list syncs into IndexedDB and the worker takes control.
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Email' }).fill('ann@tasks.example');
  await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(taskRow(page, 'Check the north pier lights')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Private task of another team')).toHaveCount(0);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
  await expect(page.getByRole('option', { name: 'Ben Okafor' })).toHaveCount(3);
  await expectNoSeriousAxeViolations(page);

  // A cold start with no network: the worker serves the shell, IndexedDB the list.
  // No reassertOffline here: its brief "online" would let the outbox send, and the requests are cut
  // either way; the list says Offline whenever the server cannot be reached.
  await context.setOffline(true);
  await page.reload();
  await expect(taskRow(page, 'Order rope for the crane')).toBeVisible();
  await expect(status(page)).toContainText('Offline');

  // Offline: create a task, then edit, complete and assign it, and complete a task from the server.
  await page.getByRole('textbox', { name: 'New task' }).fill('Fix the east gate');
  await page.getByRole('button', { name: 'Add' }).click();
  const created = taskRow(page, 'Fix the east gate');
  await expect(created).toContainText('waiting to sync');
  await created.getByRole('button', { name: 'Edit' }).click();
  await created.getByRole('textbox', { name: 'Title' }).fill('Fix the east gate hinge');
  await created.getByRole('button', { name: 'Save' }).click();
  const edited = taskRow(page, 'Fix the east gate hinge');
  // The box follows the queued action (a click, then the outbox's write), so click and wait for it.
  await edited.getByRole('checkbox', { name: 'Done' }).click();
  await expect(edited.getByRole('checkbox', { name: 'Done' })).toBeChecked();
  await edited.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Ben Okafor' });
  await taskRow(page, 'Order rope for the crane').getByRole('checkbox', { name: 'Done' }).click();
  await expect(taskRow(page, 'Order rope for the crane').getByRole('checkbox', { name: 'Done' })).toBeChecked();
  await expect(status(page)).toContainText('5 waiting to sync');

  // Every later action on the task made offline depends on its creation.
  const pending = await page.evaluate(async () => {
    const name = (await indexedDB.databases()).find((database) => database.name?.startsWith('holdfast-outbox:tasks:'))!.name!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const entries = await new Promise<{ action: { id: string; type: string; targetId: string }; dependsOn?: string[] }[]>((resolve) => {
      const request = db.transaction('pending').objectStore('pending').getAll();
      request.onsuccess = () => resolve(request.result as never);
    });
    db.close();
    return entries;
  });
  const creation = pending.find((entry) => entry.action.type === 'create')!;
  const onCreated = pending.filter((entry) => entry.action.targetId === creation.action.targetId && entry !== creation);
  expect(onCreated.map((entry) => entry.action.type).sort()).toEqual(['assign', 'complete', 'edit']);
  for (const entry of onCreated) expect(entry.dependsOn).toEqual([creation.action.id]);

  // A reload, still offline: nothing queued is lost, and the list still shows it.
  await page.reload();
  await expect(taskRow(page, 'Fix the east gate hinge')).toContainText('waiting to sync');
  await expect(taskRow(page, 'Fix the east gate hinge').getByRole('checkbox', { name: 'Done' })).toBeChecked();
  await expect(status(page)).toContainText('5 waiting to sync');
  expect((await allTasks(ben)).some((task) => task.title.startsWith('Fix the east gate'))).toBe(false);

  // Reconnect: everything is sent, and applied once.
  await context.setOffline(false);
  await expect(status(page)).toContainText('All changes saved', { timeout: 60_000 });
  const onServer = await allTasks(ben);
  const gate = onServer.filter((task) => task.title.startsWith('Fix the east gate'));
  expect(gate).toHaveLength(1);
  // Created (1), then edit, complete and assign applied once each: version 4; a second apply would be 5 or more.
  expect(gate[0]).toMatchObject({ id: creation.action.targetId, title: 'Fix the east gate hinge', done: true, assigneeId: benId, version: 4 });
  expect(onServer.find((task) => task.title === 'Order rope for the crane')).toMatchObject({ done: true, version: 2 });

  // Sent again (as a lost answer would make the outbox do): duplicates, nothing changes.
  const again = await ben.json<{ results: { status: string }[] }>('/api/actions', { method: 'POST', json: { actions: pending.map((entry) => entry.action) } });
  expect(again.results.map((result) => result.status)).toEqual(pending.map(() => 'duplicate'));
  expect((await allTasks(ben)).find((task) => task.id === creation.action.targetId)!.version).toBe(4);

  // Ben's change reaches Ann's list through sync.
  await ben.json('/api/actions', {
    method: 'POST',
    json: {
      actions: [
        {
          id: crypto.randomUUID(),
          type: 'edit',
          targetId: creation.action.targetId,
          payload: { notes: 'bring the long hinge' },
          createdAt: new Date().toISOString(),
        },
      ],
    },
  });
  await page.reload();
  await expect(taskRow(page, 'Fix the east gate hinge')).toContainText('bring the long hinge');
  await expect(taskRow(page, 'Fix the east gate hinge')).not.toContainText('waiting to sync');
  await expect(status(page)).toContainText('All changes saved');
});

test('sign-out wipes the member’s local list and outbox', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Email' }).fill('ben@tasks.example');
  await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(taskRow(page, 'Check the north pier lights')).toBeVisible({ timeout: 60_000 });
  const holdfastDatabases = () =>
    page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name).filter((name) => name?.includes('tasks:')));
  expect(await holdfastDatabases()).toHaveLength(2);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect.poll(holdfastDatabases).toEqual([]);
});
