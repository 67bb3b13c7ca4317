import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequestError, type ReachabilityPlatform } from 'holdfast/internal';
import { createOfflineClient, jsonApi, type OfflineClient } from 'holdfast/client';
import { newTaskAction } from '../../../examples/tasks/shared/taskActions.js';
import type { Task, TaskSyncPage } from '../../../examples/tasks/shared/taskTypes.js';
import { ServerProcess } from '../../support/serverProcess.js';
import { SseClient } from '../../support/sseClient.js';
import { TestApi } from '../../support/testApi.js';
import { tempDir } from '../../support/tempDir.js';

/**
 * The framework's client composition root against a real server (the tasks app's, on PGlite) over real
 * HTTP: IndexedDB is fake-indexeddb (Node has none), and the browser's online events and locks are left out.
 * What an app relies on: an action reaches the server once and is drawn until a sync brings it, pages come
 * pushed on the event stream, failures are counted by one rule, sign-out wipes even offline.
 */
let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start({ dataDir: tempDir('holdfast-offline-client-') }, { SEED: 'demo' }, 'examples/tasks/server/main.ts');
});
afterAll(() => server?.stop());

/** A node "browser": always online as far as the OS knows; the server's answers decide the rest. */
const nodeReachability = (probe: ReachabilityPlatform['probe']): ReachabilityPlatform => ({
  probe,
  isBrowserOnline: () => true,
  onBrowserConnectivityChange: () => () => {},
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  random: Math.random,
});

/** A member's client, storing synced tasks in memory and in an IndexedDB database of its own. */
async function member(email: string, options: { events?: boolean; endSession?: () => Promise<unknown>; pollMs?: number } = {}) {
  const api = await TestApi.signIn(server.url, email);
  const headers = { 'x-holdfast-request': '1', authorization: `Bearer ${api.token}` };
  const request = jsonApi({
    baseUrl: server.url,
    fetch: (input, init) => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), authorization: headers.authorization } }),
  });
  const databaseName = `test-tasks:${email}:${crypto.randomUUID()}`;
  const db = await openDB(databaseName, 1, { upgrade: (database) => database.createObjectStore('meta') });
  const tasks = new Map<string, Task>();
  const fetchedFrom: string[] = [];
  let failSync: unknown;
  let failApply: unknown;
  const client: OfflineClient = createOfflineClient<TaskSyncPage>({
    scope: `test:${databaseName}`,
    network: { url: (path) => server.url + path, headers },
    endpoints: options.events === false ? { events: null } : {},
    backgroundReplay: false,
    platform: { reachability: nodeReachability, outbox: {} },
    sync: {
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      fetchPage: (cursor, signal) => {
        fetchedFrom.push(cursor);
        if (failSync) return Promise.reject(failSync);
        return request<TaskSyncPage>(`/api/sync?cursor=${cursor}&limit=500`, { signal });
      },
      applyPage: async (page) => {
        if (failApply) throw failApply;
        for (const task of page.tasks) tasks.set(task.id, task);
        await db.put('meta', page.cursor, 'cursor');
      },
      readStoredCursor: () => db.get('meta', 'cursor'),
      isPage: (page) => Array.isArray(page.tasks),
    },
    signOut: {
      endSession: options.endSession ?? (() => api.raw('/api/logout', { method: 'POST', headers: { 'x-holdfast-request': '1' } })),
      databases: () => {
        db.close();
        return [databaseName];
      },
    },
  });
  const stop = async () => {
    await client.stop();
    db.close();
  };
  return {
    api,
    client,
    stop,
    tasks,
    databaseName,
    fetchedFrom,
    failSyncWith: (error: unknown) => (failSync = error),
    failApplyWith: (error: unknown) => (failApply = error),
  };
}

const until = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const serverTasks = async (api: TestApi) => (await api.json<{ tasks: Task[] }>('/api/sync?limit=1000')).tasks;

describe('createOfflineClient', () => {
  it('an action is drawn at once, reaches the server once, and stays drawn until a sync brings it', async () => {
    const ann = await member('ann@tasks.example');
    await ann.client.start();
    const action = newTaskAction('create', crypto.randomUUID(), { title: 'Root-made task', notes: '' });
    await ann.client.act(action);
    // Drawn before any answer: pending over its target.
    expect(
      ann.client
        .overlays()
        .get(action.targetId)
        ?.pending.map((queued) => queued.id),
    ).toEqual([action.id]);
    await until(() => ann.tasks.has(action.targetId), 'the sync to bring the task');
    await until(() => ann.client.overlays().size === 0 && ann.client.getSnapshot().outbox.pending.length === 0, 'the overlay to let go');
    expect((await serverTasks(ann.api)).filter((task) => task.id === action.targetId)).toHaveLength(1);
    expect(ann.client.getSnapshot().reachability).toBe('online');
    await ann.stop();
  });

  it("another member's change arrives as a page pushed on the event stream, with no pull", async () => {
    const ann = await member('ann@tasks.example');
    await ann.client.start();
    await until(() => ann.client.getSnapshot().stream.connected, 'the event stream');
    // The stream's first event (`ready`) prompts a pull of its own: counted once that is over.
    await until(() => ann.client.getSnapshot().stream.eventsReceived > 0 && !ann.client.getSnapshot().syncing && ann.tasks.size > 0, 'the first sync');
    const pulls = ann.fetchedFrom.length;
    const ben = await TestApi.signIn(server.url, 'ben@tasks.example');
    const id = crypto.randomUUID();
    expect((await ben.postActions([newTaskAction('create', id, { title: "Ben's task", notes: '' })])).status).toBe(200);
    await until(() => ann.tasks.has(id), "Ben's task on Ann's client");
    // Pushed, not pulled: the page came on the stream, and no pull was needed for it.
    expect(ann.fetchedFrom.length).toBe(pulls);
    await ann.stop();
  });

  it('a stream the server refuses (over its cap): the client pulls meanwhile — its first sync, then what changes', async () => {
    // Every stream Ann may hold (10 a process) taken already, as a stuck safeguard or a leak would hold them.
    const holder = await TestApi.signIn(server.url, 'ann@tasks.example');
    const held = await Promise.all(Array.from({ length: 10 }, () => SseClient.open(`${server.url}/api/events`, { authorization: `Bearer ${holder.token}` })));
    expect(held.every((stream) => stream.status === 200)).toBe(true);
    const ann = await member('ann@tasks.example', { pollMs: 500 });
    try {
      await ann.client.start();
      await until(() => ann.tasks.size > 0, 'the first sync, with the stream refused');
      expect(ann.client.getSnapshot().stream.connected).toBe(false);
      const ben = await TestApi.signIn(server.url, 'ben@tasks.example');
      const id = crypto.randomUUID();
      expect((await ben.postActions([newTaskAction('create', id, { title: "Ben's task, pulled", notes: '' })])).status).toBe(200);
      await until(() => ann.tasks.has(id), "Ben's task on Ann's client, with the stream refused");
      expect(ann.client.getSnapshot().stream.connected).toBe(false);
    } finally {
      for (const stream of held) stream.close();
      await ann.stop();
    }
  });

  it('a pushed change the device could not store (its storage full) is pulled again once it can, with no later event', async () => {
    const ann = await member('ann@tasks.example', { pollMs: 500 });
    try {
      await ann.client.start();
      await until(() => ann.client.getSnapshot().stream.connected && !ann.client.getSnapshot().syncing && ann.tasks.size > 0, 'the first sync');
      ann.failApplyWith(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      const received = ann.client.getSnapshot().stream.eventsReceived;
      const ben = await TestApi.signIn(server.url, 'ben@tasks.example');
      const id = crypto.randomUUID();
      expect((await ben.postActions([newTaskAction('create', id, { title: "Ben's task, stored late", notes: '' })])).status).toBe(200);
      await until(() => ann.client.getSnapshot().stream.eventsReceived > received, 'the pushed change');
      expect(ann.tasks.has(id)).toBe(false);
      // Room made: nothing else happens on the server, and the change still arrives.
      ann.failApplyWith(undefined);
      await until(() => ann.tasks.has(id), "Ben's task, once the device could store it");
    } finally {
      await ann.stop();
    }
  });

  it('one rule for failures: an answered error is reachable, no answer at all is not, a bug says nothing', async () => {
    const ann = await member('ann@tasks.example', { events: false });
    await ann.client.start();
    await until(() => ann.client.getSnapshot().reachability === 'online' && !ann.client.getSnapshot().syncing, 'online');
    ann.failSyncWith(apiRequestError(500, 'internal', 'The server failed.'));
    await ann.client.syncNow();
    expect(ann.client.getSnapshot().reachability).toBe('online');
    ann.failSyncWith(new TypeError('a bug in the app'));
    await ann.client.syncNow();
    expect(ann.client.getSnapshot().reachability).toBe('online');
    // No answer: unreachable at once (a probe then finds this server up again, with backoff).
    const seen: string[] = [];
    ann.client.subscribe(() => seen.push(ann.client.getSnapshot().reachability));
    ann.failSyncWith(apiRequestError(0, 'unreachable', 'No answer.'));
    await ann.client.syncNow();
    expect(seen).toContain('unreachable');
    await ann.stop();
  });

  it('sign-out with the server down: the local data and the outbox go at once, the session end is not waited for', async () => {
    let endSessionCalled = false;
    const ann = await member('ann@tasks.example', {
      events: false,
      endSession: async () => {
        endSessionCalled = true;
        throw apiRequestError(0, 'unreachable', 'No answer.');
      },
    });
    await ann.client.start();
    await ann.client.act(newTaskAction('create', crypto.randomUUID(), { title: 'Queued, then signed out', notes: '' }));
    await ann.client.signOut();
    expect(endSessionCalled).toBe(true);
    const names = (await indexedDB.databases()).map((database) => database.name);
    expect(names).not.toContain(ann.databaseName);
    expect(names.filter((name) => name?.includes(ann.databaseName))).toEqual([]);
  });

  it('the server refuses the session: replay stops and the client says so', async () => {
    const ann = await member('ann@tasks.example', { events: false });
    await ann.client.start();
    expect((await ann.api.raw('/api/logout', { method: 'POST', headers: { 'x-holdfast-request': '1' } })).status).toBeLessThan(300);
    await ann.client.act(newTaskAction('create', crypto.randomUUID(), { title: 'After the session ended', notes: '' }));
    await until(() => ann.client.getSnapshot().sessionExpired, 'the session to be refused');
    expect(ann.client.getSnapshot().outbox.pending).toHaveLength(1);
    await ann.stop();
  });
});
