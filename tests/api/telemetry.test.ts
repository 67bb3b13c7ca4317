import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telemetrySentAtHeader } from 'holdfast/client';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const event = (kind = 'reachability', detail: Record<string, unknown> = { from: 'online', to: 'offline' }) => ({
  id: crypto.randomUUID(),
  kind,
  at: new Date().toISOString(),
  detail,
});

describe('client telemetry: POST /api/telemetry', () => {
  let backend: TestBackend;
  const knownCdn = 'https://cdn-a.example';
  let staticDir = '';
  let alice: TestApi;
  let carol: TestApi;
  beforeAll(async () => {
    // Telemetry is sheddable: on a starved machine the server, busy right after its start, may rightly refuse
    // it (429). What is tested here is storage and validation, so shedding is off (tests/api/shedding.test.ts
    // covers the refusal).
    // Its static directory holds only the build's security manifest: the CDN hosts the build names.
    staticDir = mkdtempSync(join(tmpdir(), 'holdfast-telemetry-'));
    writeFileSync(join(staticDir, 'security.json'), JSON.stringify({ cdnHosts: [knownCdn], apiOrigins: [] }));
    backend = await TestBackend.start('pglite', { SHEDDING: 'off', STATIC_DIR: staticDir });
    [alice, carol] = await Promise.all([TestApi.signIn(backend.url, 'alice@example.com'), TestApi.signIn(backend.url, 'carol@globex.example')]);
  }, 180_000);
  afterAll(async () => {
    await backend?.stop();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  const post = (api: TestApi, body: unknown) => api.raw('/api/telemetry', { method: 'POST', json: body });

  it('stores a batch once: the same events sent again (a replay) store nothing more', async () => {
    const events = [
      event(),
      event('breaker', { host: 'cdn.example', from: 'closed', to: 'open' }),
      event('failover', { path: '/assets/x.js', failoverMs: 812, passedOver: 1 }),
      event('outbox', { pending: 3, oldestAgeMs: 61_000 }),
    ];
    const first = await post(alice, { events });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: 4, stored: 4 });
    expect(await (await post(alice, { events })).json()).toEqual({ received: 4, stored: 0 });
    // Ids are per tenant: another tenant's browser cannot collide with (or learn of) these.
    expect(await (await post(carol, { events: [events[0]] })).json()).toEqual({ received: 1, stored: 1 });
    const metrics = await (await fetch(`${backend.url}/metrics`)).text();
    expect(metrics).toMatch(/^holdfast_client_events_total\{kind="failover"\} [1-9]/m);
    // What the alerts read (deploy/prometheus/alerts.yml): a device says cdn.example is down, and an action
    // of its has waited a minute.
    expect(metrics).toMatch(/^holdfast_client_breakers_open\{host="cdn.example"\} 1$/m);
    expect(Number(metrics.match(/^holdfast_client_outbox_oldest_seconds (\S+)$/m)?.[1])).toBeGreaterThanOrEqual(61);
  });

  it('refuses bad batches with a clear 400, and an unauthenticated one with 401, storing nothing', async () => {
    const bad = [
      { events: [] },
      { events: [{ ...event(), id: 'not-a-uuid' }] },
      { events: [event('keystrokes')] },
      { events: [{ ...event(), at: 'yesterday' }] },
      { events: [event('outbox', { nested: { no: true } })] },
      { events: [event('outbox', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])))] },
      { events: Array.from({ length: 101 }, () => event()) },
      { events: [event()], extra: true },
    ];
    for (const body of bad) {
      const response = await post(alice, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    }
    const good = event();
    // The device's clock as it sent the batch, if said, must be a date-time (another device of hers: each
    // session has its own rate).
    const phone = await TestApi.signIn(backend.url, 'alice@example.com');
    for (const sentAt of ['an hour ago', '2026-02-31T10:00:00Z']) {
      const response = await phone.raw('/api/telemetry', { method: 'POST', json: { events: [good] }, headers: { [telemetrySentAtHeader]: sentAt } });
      expect(response.status, sentAt).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(telemetrySentAtHeader);
    }
    expect((await new TestApi(backend.url).raw('/api/telemetry', { method: 'POST', json: { events: [good] } })).status).toBe(401);
    // None of it was stored: the good event sent now is new.
    expect(await (await post(alice, { events: [good] })).json()).toEqual({ received: 1, stored: 1 });
  });

  it("forgets a device's reports when it signs out: its open breaker stops counting for the alerts", async () => {
    const dana = await TestApi.signIn(backend.url, 'dana@example.com');
    await post(dana, { events: [event('breaker', { host: 'leaving.example', from: 'closed', to: 'open' })] });
    const scrape = async () => (await fetch(`${backend.url}/metrics`)).text();
    expect(await scrape()).toMatch(/^holdfast_client_breakers_open\{host="leaving.example"\} 1$/m);
    expect((await dana.raw('/api/logout', { method: 'POST' })).status).toBe(204);
    expect(await scrape()).not.toMatch(/host="leaving.example"/);
  });
  // Last: the names it sends take the free labels for the rest of the server's life.
  it("the build's CDN hosts keep labels of their own after a client has sent 20 names of its own", async () => {
    const junk = Array.from({ length: 20 }, (_, index) => event('breaker', { host: `junk-${index}.example`, from: 'closed', to: 'open' }));
    await post(carol, { events: junk });
    await post(alice, { events: [event('breaker', { host: knownCdn, from: 'closed', to: 'open' })] });
    const metrics = await (await fetch(`${backend.url}/metrics`)).text();
    expect(metrics).toMatch(/^holdfast_client_breakers_open\{host="https:\/\/cdn-a\.example"\} 1$/m);
    expect(metrics).toMatch(/^holdfast_client_breakers_open\{host="other"\} 1$/m);
  });
});
