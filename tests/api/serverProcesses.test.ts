import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventStream } from 'holdfast/internal';
import type { ActionResult } from 'holdfast/client';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { createPostgresDatabase } from '../support/postgresServer.js';
import { ServerProcess } from '../support/serverProcess.js';
import { TestApi } from '../support/testApi.js';

describe('several server processes on one PostgreSQL', () => {
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    const databaseUrl = await createPostgresDatabase();
    servers = await Promise.all([ServerProcess.start({ databaseUrl }), ServerProcess.start({ databaseUrl })]);
  });
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  it('a batch posted to both at once is applied exactly once', async () => {
    const [first, second] = await Promise.all(servers.map((server) => TestApi.signIn(server.url, 'alice@example.com')));
    const target = (await first!.conversations('?status=open'))[0]!;
    const batch = Array.from({ length: 30 }, (_, index) => createWorkspaceAction('send', target.id, { text: `two processes ${index}` }));
    const replies = await Promise.all([first!, second!, first!, second!].map((api) => api.postActions(batch)));
    const results = await Promise.all(replies.map(async (reply) => ((await reply.json()) as { results: ActionResult[] }).results));
    for (let index = 0; index < batch.length; index++) {
      expect(results.filter((perServer) => perServer[index]!.status === 'applied')).toHaveLength(1);
    }
    const { messages } = await second!.conversation(target.id);
    expect(messages.filter((message) => message.body.startsWith('two processes ')).map((message) => message.body)).toEqual(
      batch.map((_, index) => `two processes ${index}`),
    );
  });

  it('an event stream on one process hears of a change made through the other', async () => {
    const [writer, reader] = await Promise.all(servers.map((server) => TestApi.signIn(server.url, 'bob@example.com')));
    const target = (await writer!.conversations('?status=open'))[1]!;
    const controller = new AbortController();
    const stream = await reader!.raw('/api/events', { signal: controller.signal });
    const received = readUntil(stream, 'from the other process', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await writer!.postActions([createWorkspaceAction('send', target.id, { text: 'from the other process' })]);
    await expect(received).resolves.toContain('from the other process');
    controller.abort();
  });
});

describe('one PGlite directory, one process', () => {
  it('a second server refuses a directory in use, and a killed server does not leave it locked', async () => {
    const dataDir = await copyPgliteTemplate();
    const first = await ServerProcess.start({ dataDir });
    try {
      await expect(ServerProcess.start({ dataDir })).rejects.toThrow(/in use by process \d+/);
      await first.kill();
      const second = await ServerProcess.start({ dataDir });
      expect((await fetch(`${second.url}/api/health`)).status).toBe(200);
      await second.stop();
    } finally {
      await first.stop();
    }
  });
});

async function readUntil(response: Response, needle: string, timeoutMs: number): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended without "${needle}"; got:\n${text.slice(0, 500)}`);
      text += value;
    }
    return text;
  } finally {
    clearTimeout(deadline);
  }
}

describe('fan-out by LISTEN/NOTIFY across processes', () => {
  it('the listener connection killed while changes are written: the stream still gets every change, once', async () => {
    const databaseUrl = await createPostgresDatabase();
    const [writerServer, readerServer] = await Promise.all([ServerProcess.start({ databaseUrl }), ServerProcess.start({ databaseUrl })]);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const closeStream: (() => void)[] = [];
    try {
      const [writer, reader] = await Promise.all([
        TestApi.signIn(writerServer.url, 'alice@example.com'),
        TestApi.signIn(readerServer.url, 'alice@example.com'),
      ]);
      const target = (await writer.conversations('?status=open'))[2]!;
      const received: string[] = [];
      let connected = false;
      closeStream.push(
        readEventStream({
          url: (lastEventId) => `${readerServer.url}/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`,
          headers: () => ({ authorization: `Bearer ${reader.token}` }),
          onStatus: (up) => (connected = up),
          onEvent: (event) => {
            if (event.event === 'change')
              received.push(
                ...(JSON.parse(event.data) as { messages: { id: string; body: string }[] }).messages
                  .filter((message) => message.body.startsWith('fan-out '))
                  .map((message) => message.id),
              );
          },
        }),
      );
      await expect.poll(() => connected, { timeout: 30_000 }).toBe(true);
      const listeners = async () =>
        (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'holdfast-listener' AND datname = current_database()`)).rows.length;
      expect(await listeners()).toBe(2);
      for (let index = 0; index < 15; index++)
        expect((await writer.postActions([createWorkspaceAction('send', target.id, { text: `fan-out ${index}` })])).status).toBe(200);
      // The listeners die; the last 25 changes are written at once, while they are down (their
      // reconnect waits a jittered backoff first), and nothing is written after: only the catch-up read
      // that follows the reconnect can bring them.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'holdfast-listener' AND datname = current_database()`);
      const last = Array.from({ length: 25 }, (_, index) => createWorkspaceAction('send', target.id, { text: `fan-out ${15 + index}` }));
      expect((await writer.postActions(last)).status).toBe(200);
      const { messages } = await writer.conversation(target.id);
      const expected = messages.filter((message) => message.body.startsWith('fan-out ')).map((message) => message.id);
      expect(expected).toHaveLength(40);
      await expect.poll(() => received.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(40);
      expect(received).toEqual(expected);
      // Both listeners are back, and the reader's came back with a catch-up read.
      await expect.poll(listeners, { timeout: 30_000 }).toBe(2);
      const metrics = await (await fetch(`${readerServer.url}/metrics`)).text();
      expect(metrics).toMatch(/^holdfast_change_listener_up 1$/m);
      expect(Number(/^holdfast_change_feed_catch_ups (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    } finally {
      for (const close of closeStream) close();
      await admin.end();
      await Promise.all([writerServer.stop(), readerServer.stop()]);
    }
  }, 180_000);
});
