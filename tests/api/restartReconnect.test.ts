import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventStream } from 'holdfast/internal';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { metricSum } from '../support/metricSum.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const clients = 200;
// Exactly the clients: a stream counted twice, or a slot not given back, would refuse one of them.
const cap = clients;
/** The workspace's reader settings (WorkspaceStore): first delay 1 s, doubling, capped at 30 s, full jitter. */
const reader = { initialRetryMs: 1000, maxRetryMs: 30_000 };

type Client = { connected: boolean; connects: number; messageIds: string[]; close: () => void; reconnectedAt?: number };

/**
 * The server restarted under 200 connected stream clients: the framework's own reader (readEventStream),
 * 200 of them in this process on loopback, against a real server process that is stopped and started
 * again on the same port and data.
 */
describe('a server restart under 200 connected clients', () => {
  let backend: TestBackend;
  let alice: TestApi;
  const all: Client[] = [];
  beforeAll(async () => {
    backend = await TestBackend.start('pglite', { MAX_STREAMS_PER_AGENT: String(cap), MAX_STREAMS_PER_PROCESS: String(cap) });
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
  }, 180_000);
  afterAll(async () => {
    for (const client of all) client.close();
    await backend?.stop();
  });

  it('all reconnect within the backoff cap, every change reaches every client exactly once, the cap holds', async () => {
    const [target] = await alice.conversations('?status=open');
    const openStreams = async () => metricSum(await (await fetch(`${backend.url}/metrics`)).text(), 'holdfast_event_streams_open');
    for (let i = 0; i < clients; i++) {
      const client: Client = { connected: false, connects: 0, messageIds: [], close: () => {} };
      client.close = readEventStream({
        ...reader,
        url: (lastEventId) => `${backend.url}/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`,
        headers: () => ({ authorization: `Bearer ${alice.token}` }),
        onStatus: (connected) => {
          client.connected = connected;
          if (connected) {
            client.connects++;
            client.reconnectedAt = performance.now();
          }
        },
        onEvent: (event) => {
          if (event.event !== 'change') return;
          const page = JSON.parse(event.data) as { messages: { id: string }[] };
          client.messageIds.push(...page.messages.map((message) => message.id));
        },
      });
      all.push(client);
    }
    await expect.poll(() => all.filter((client) => client.connected).length, { timeout: 60_000 }).toBe(clients);
    expect(await openStreams()).toBe(clients);

    const send = async (text: string) => {
      const action = createWorkspaceAction('send', target!.id, { text });
      expect((await alice.postActions([action])).status).toBe(200);
      return action.id;
    };
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) posted.push(await send(`before restart ${i}`));
    await expect.poll(() => all.filter((client) => client.messageIds.length >= 5).length, { timeout: 30_000 }).toBe(clients);

    await backend.server.stop();
    await expect.poll(() => all.filter((client) => client.connected).length, { timeout: 30_000 }).toBe(0);
    await backend.server.restart();
    const back = performance.now();
    // Changes made while the clients are still away: they must come with the resume, not be lost.
    for (let i = 0; i < 5; i++) posted.push(await send(`while reconnecting ${i}`));

    // The documented bound (docs/protocol.md): back within the backoff cap (30 s) of the server's return.
    await expect.poll(() => all.filter((client) => client.connected).length, { timeout: reader.maxRetryMs + 30_000, interval: 250 }).toBe(clients);
    const slowest = Math.max(...all.map((client) => client.reconnectedAt! - back));
    expect(slowest).toBeLessThan(reader.maxRetryMs + 5000);
    expect(await openStreams()).toBe(clients);
    for (let i = 0; i < 5; i++) posted.push(await send(`after reconnect ${i}`));

    // Every client has every message posted since it connected, each exactly once, in order.
    const { messages } = await alice.conversation(target!.id);
    const expected = messages.filter((message) => /^(before restart|while reconnecting|after reconnect) \d$/.test(message.body)).map((message) => message.id);
    expect(expected).toHaveLength(posted.length);
    await expect.poll(() => all.filter((client) => client.messageIds.length >= expected.length).length, { timeout: 60_000 }).toBe(clients);
    for (const client of all) {
      expect(client.messageIds).toEqual(expected);
      expect(client.connects).toBe(2);
    }
    console.log(`200 clients: slowest reconnect ${Math.round(slowest)} ms after the server was back`);
  }, 240_000);
});
