import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'holdfast/server';
import { openPostgres } from 'holdfast/server';
import { metricSum } from '../support/metricSum.js';
import { requestFrom } from '../support/rawHttp.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const event = (detail: Record<string, unknown> = { from: 'online', to: 'offline' }) => ({
  id: crypto.randomUUID(),
  kind: 'reachability',
  at: new Date().toISOString(),
  detail,
});
const cspReport = (padding: number) =>
  JSON.stringify({
    'csp-report': {
      'document-uri': 'https://app.example/inbox',
      'violated-directive': 'script-src',
      'blocked-uri': `https://evil.example/${'x'.repeat(padding)}`,
    },
  });

// Every write path a client can reach is bounded: in size, in rate, in what it stores and what it logs.
describe('bounded write paths: CSP reports and telemetry (PostgreSQL)', () => {
  let backend: TestBackend;
  let db: Database;
  let alice: TestApi;
  let carol: TestApi;
  beforeAll(async () => {
    // Shedding off: what is tested is the bounds, not a starved server's refusals (tests/api/shedding.test.ts).
    backend = await TestBackend.start('postgres', {
      SHEDDING: 'off',
      TELEMETRY_TENANT_DAILY_QUOTA: '300',
      TELEMETRY_RETENTION_DAYS: '30',
      SESSION_PURGE_INTERVAL_MS: '500',
    });
    db = await openPostgres({ connectionString: (backend.server.target as { databaseUrl: string }).databaseUrl, maxConnections: 1 });
    [alice, carol] = await Promise.all([TestApi.signIn(backend.url, 'alice@example.com'), TestApi.signIn(backend.url, 'carol@globex.example')]);
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await backend?.stop();
  });

  const storedEvents = async () => Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM client_events')).rows[0]!.n);
  const postReport = (body: string, contentType: string, from: string) =>
    requestFrom(`${backend.url}/api/csp-reports`, { from, method: 'POST', headers: { 'content-type': contentType }, body });

  it('CSP reports: only the report content types, 16 KiB, each logged as a short summary, and no more than a sample a minute', async () => {
    const logBefore = backend.server.output.length;
    const json = await postReport(JSON.stringify({ junk: 'x'.repeat(1_000_000) }), 'application/json', '127.0.6.1');
    expect(json.status).toBe(415);
    expect((await postReport('hello', 'text/plain', '127.0.6.1')).status).toBe(415);
    expect((await postReport(cspReport(20_000), 'application/csp-report', '127.0.6.1')).status).toBe(413);
    // Sixty reports of ~15 KiB each, from three addresses.
    for (let index = 0; index < 60; index++)
      expect(
        (await postReport(cspReport(15_000), index % 2 ? 'application/csp-report' : 'application/reports+json', `127.0.6.${2 + (index % 3)}`)).status,
      ).toBe(204);
    await expect.poll(async () => metricSum(await (await fetch(`${backend.url}/metrics`)).text(), 'holdfast_csp_reports_total')).toBe(60);
    const logged = backend.server.output.slice(logBefore);
    // 60 × 15 KiB sent; at most 20 summaries of a few hundred bytes kept (before: every body, whole).
    expect(logged.length).toBeLessThan(40_000);
    const lines = logged.split('\n').filter((line) => line.includes('content security policy violation'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines[0]).toContain('script-src');
  });

  it('telemetry: text PostgreSQL cannot store is a 400 (never a 500), and nothing is stored', async () => {
    const before = await storedEvents();
    for (const detail of [{ 'bad\u0000key': 1 }, { key: 'bad\u0000value' }, { key: 'lone \ud800 surrogate' }, { '\udc00': true }]) {
      const answer = await alice.raw('/api/telemetry', { method: 'POST', json: { events: [event(), event(detail)] } });
      expect(answer.status, JSON.stringify(detail)).toBe(400);
    }
    expect(await storedEvents()).toBe(before);
  });

  it('telemetry: a session may send a dozen batches a minute; a tenant a daily quota; another tenant is unaffected', async () => {
    const bob = await TestApi.signIn(backend.url, 'bob@example.com');
    const statuses: number[] = [];
    for (let index = 0; index < 13; index++) statuses.push((await bob.raw('/api/telemetry', { method: 'POST', json: { events: [event()] } })).status);
    expect(statuses.slice(0, 12).every((status) => status === 200)).toBe(true);
    expect(statuses[12]).toBe(429);

    // The quota (300 here) counts every session of the tenant: fresh sessions, 100 events a batch.
    let refused: Response | undefined;
    for (let batch = 0; batch < 6 && !refused; batch++) {
      const agent = await TestApi.signIn(backend.url, 'dana@example.com');
      const answer = await agent.raw('/api/telemetry', { method: 'POST', json: { events: Array.from({ length: 100 }, () => event()) } });
      if (answer.status === 429) refused = answer;
      else expect(answer.status).toBe(200);
    }
    expect(refused, 'the tenant ran into its quota').toBeDefined();
    expect(((await refused!.json()) as { error: { code: string } }).error.code).toBe('telemetry-quota-exceeded');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    const tenantTotal = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM client_events e JOIN agents a ON a.id = e.agent_id WHERE a.email <> 'carol@globex.example'`,
    );
    expect(Number(tenantTotal.rows[0]!.n)).toBeLessThanOrEqual(300);
    expect((await carol.raw('/api/telemetry', { method: 'POST', json: { events: [event()] } })).status).toBe(200);
  });

  it('telemetry past its retention is deleted by the purge job; recent events stay', async () => {
    const { rows } = await db.query<{ tenant_id: string; id: string }>(`SELECT tenant_id, id FROM agents WHERE email = 'eli@example.com'`);
    const eli = rows[0]!;
    const old = crypto.randomUUID();
    const recent = crypto.randomUUID();
    await db.query(
      `INSERT INTO client_events (tenant_id, id, agent_id, kind, at, received_at) VALUES ($1, $2, $3, 'outbox', now() - interval '40 days', now() - interval '40 days'), ($1, $4, $3, 'outbox', now(), now())`,
      [eli.tenant_id, old, eli.id, recent],
    );
    const exists = async (id: string) => (await db.query('SELECT 1 FROM client_events WHERE id = $1', [id])).rows.length > 0;
    await expect.poll(() => exists(old), { timeout: 15_000 }).toBe(false);
    expect(await exists(recent)).toBe(true);
  });
});
