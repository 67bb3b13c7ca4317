import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telemetrySentAtHeader } from 'holdfast/client';
import { ticketsPlaceholder } from 'holdfast/server';
import { runNode } from '../support/runNode.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

/**
 * A real incident, the operator's way: devices report what they saw (POST /api/telemetry), the operator
 * drafts a report for the window (`npm run incident -- draft`), edits it and publishes it, and the
 * server's /status lists it. Against a running server on PostgreSQL, with the command run as a user would.
 */
describe('outage reports of real incidents: draft from a window, publish, /status', () => {
  let backend: TestBackend;
  let databaseUrl: string;
  let out: string;
  const incident = (...args: string[]) =>
    runNode(['--import', 'tsx', 'app/server/adminCli.ts', 'incident', ...args], { DATABASE_URL: databaseUrl, DATA_DIR: '' });
  beforeAll(async () => {
    backend = await TestBackend.start('postgres');
    const { target } = backend.server;
    if (!('databaseUrl' in target)) throw new Error('a PostgreSQL backend has a database URL');
    databaseUrl = target.databaseUrl;
    out = mkdtempSync(join(tmpdir(), 'holdfast-incidents-'));
  }, 180_000);
  afterAll(async () => {
    await backend?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('drafts a report with every section from the devices’ telemetry, publishes it only once a person filled in the tickets, and /status lists it', async () => {
    const alice = await TestApi.signIn(backend.url, 'alice@example.com');
    const start = Date.now() - 120_000;
    const at = (offsetMs: number) => new Date(start + offsetMs).toISOString();
    const event = (offsetMs: number, kind: string, detail: Record<string, unknown>) => ({ id: crypto.randomUUID(), kind, at: at(offsetMs), detail });
    const sent = await alice.raw('/api/telemetry', {
      method: 'POST',
      json: {
        events: [
          event(10_000, 'reachability', { from: 'online', to: 'unreachable' }),
          event(12_000, 'outbox', { status: 'backing-off', code: null, pending: 4, failed: 0, oldestAgeMs: 2000 }),
          event(70_000, 'outbox', { status: 'backing-off', code: null, pending: 9, failed: 0, oldestAgeMs: 60_000 }),
          event(95_000, 'reachability', { from: 'unreachable', to: 'online' }),
        ],
      },
    });
    expect(sent.status).toBe(200);
    // Another device, its clock three hours ahead: what it saw 50 s in, stamped by its clock, with the time
    // its clock read as the batch left (as its worker sends it). Stored at the time it happened, in the window.
    const ahead = 3 * 3_600_000;
    const phone = await TestApi.signIn(backend.url, 'bob@example.com');
    const skewed = await phone.raw('/api/telemetry', {
      method: 'POST',
      json: { events: [event(50_000 + ahead, 'outbox', { status: 'drained', code: null, pending: 0, failed: 0, oldestAgeMs: 0 })] },
      headers: { [telemetrySentAtHeader]: new Date(Date.now() + ahead).toISOString() },
    });
    expect(skewed.status).toBe(200);

    // Bad input: a clear error, nothing recorded.
    await expect(incident('draft', '--from', 'yesterday', '--to', at(100_000), '--title', 'x')).rejects.toThrow(/--from and --to as dates/);
    await expect(incident('draft', '--from', at(100_000), '--to', at(0), '--title', 'x')).rejects.toThrow(/--to must be later/);
    expect(await incident('list')).toContain('No incidents recorded.');

    const drafted = await incident('draft', '--from', at(0), '--to', at(110_000), '--title', 'API unreachable for agents', '--out', out);
    const id = drafted.match(/Incident ([0-9a-f-]{36}) recorded/)![1]!;
    const markdown = readFileSync(join(out, `incident-${id}.md`), 'utf8');
    for (const section of [
      'Description',
      'Outage time',
      'Number of support tickets raised',
      'Affected functionality',
      'Explanation of the problem',
      'Investigations',
      'Preventive measures and actions',
    ])
      expect(markdown).toContain(`## ${section}\n`);
    // Figures from the data: the outage runs from the first device that lost the server to the last sign of
    // recovery (85 s); actions waited from the first outbox report to then (83 s), 9 at most; the tickets
    // are left to a person.
    expect(markdown).toContain('**1 min 25 s**');
    expect(markdown).toContain('(up to 1 min 23 s, 9 at once)');
    expect(markdown).toContain(ticketsPlaceholder);
    expect(markdown).toContain('No alert fired while agents were affected');
    // Devices by a hash, never by the agent.
    expect(markdown).not.toMatch(/alice|@example\.com/);
    const html = readFileSync(join(out, `incident-${id}.html`), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
    expect(await incident('list')).toMatch(new RegExp(`${id}\\s+draft\\s+.*API unreachable for agents`));

    // Not published while the tickets are the system's placeholder: refused, nothing changed.
    const draftFile = join(out, 'draft.md');
    writeFileSync(draftFile, markdown);
    await expect(incident('publish', id, '--file', draftFile)).rejects.toThrow(/only a person knows it/);
    expect(await (await fetch(`${backend.url}/status/incidents/${id}`)).status).toBe(404);

    const edited = join(out, 'edited.md');
    writeFileSync(edited, markdown.replace(ticketsPlaceholder, '14 tickets, all answered within the day.'));
    expect(await incident('publish', id, '--file', edited)).toContain('published');
    await expect(incident('publish', id, '--file', edited)).rejects.toThrow(/published already/);

    // /status reads published incidents at most every 10 s.
    await expect
      .poll(async () => (await (await fetch(`${backend.url}/status`)).text()).includes(`href="/status/incidents/${id}"`), { timeout: 30_000, interval: 1000 })
      .toBe(true);
    const page = await fetch(`${backend.url}/status/incidents/${id}`);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('14 tickets, all answered within the day.');
    expect(text).toContain('<h2>Outage time</h2>');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);

    // Stored durably: the timeline is in PostgreSQL with the report.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // Alice's four events and the device three hours ahead's one.
      const { rows } = await client.query('SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1', [id]);
      expect(rows[0].n).toBe(5);
    } finally {
      await client.end();
    }
  }, 180_000);
});
