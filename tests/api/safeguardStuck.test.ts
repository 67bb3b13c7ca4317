import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from 'holdfast/server';
import { openPglite } from 'holdfast/server';
import type { Database } from 'holdfast/server';
import { workspaceServerApp } from '../../app/server/workspaceServerApp.js';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { SseClient } from '../support/sseClient.js';
import { TestApi } from '../support/testApi.js';

/**
 * The stream safeguard forced stuck on a running server: its every slot held by streams whose
 * connections are gone (what a release that never ran leaves behind), so everyone is refused while
 * nothing is open. The server runs in this process (real Fastify on a real port, real PGlite), because
 * forcing the bug means reaching its registry; everything else goes over HTTP.
 */
describe('the stream safeguard, forced stuck on a running server', () => {
  let db: Database;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    db = await openPglite(await copyPgliteTemplate());
    app = await buildServer({
      db,
      app: await workspaceServerApp(db),
      logging: { level: 'silent' },
      streams: { maxPerProcess: 20, maxPerAgent: 20, auditMs: 5000 },
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('is detected and recovers on its own: new streams get in again, with no restart, and the incident is recorded', async () => {
    const alice = await TestApi.signIn(url, 'alice@example.com');
    const auth = { authorization: `Bearer ${alice.token}` };
    const streams = app.holdfast.streams;
    // The bug: twenty streams counted whose connection is gone, their release never run.
    for (let i = 0; i < 20; i++)
      expect(streams.admit({ agentKey: `ghost-${i}`, tokenHash: 'ghost', close: () => {}, isOpen: () => false }).admitted).toBe(true);

    const refused = await SseClient.open(`${url}/api/events`, auth);
    expect(refused.status).toBe(503);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);

    // Within one audit (5 s here, 10 s by default: long enough that the refusal above is seen before the
    // first audit on a machine three times slower) the watchdog gives the slots back.
    const started = Date.now();
    let admitted: SseClient | undefined;
    while (!admitted) {
      const attempt = await SseClient.open(`${url}/api/events`, auth);
      if (attempt.status === 200) admitted = attempt;
      else await new Promise((resolve) => setTimeout(resolve, 100));
      expect(Date.now() - started).toBeLessThan(30_000);
    }
    await admitted.until((client) => client.events.some((event) => event.event === 'ready'));
    expect(streams.size).toBe(1);
    admitted.close();

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^holdfast_stream_safeguard_recoveries_total 20$/m);
    const status = await (await fetch(`${url}/status`)).text();
    expect(status).toContain('the stream safeguard gave back 20 slot(s)');
  });
});
