import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../deploy/cluster/ManagedProcess.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

/** The value of every series of `name` in a Prometheus text exposition, by its label set. */
function series(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = line.match(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`));
    if (match) found.set(match[1] ?? '', Number(match[2]));
  }
  return found;
}

describe('health you can see: /metrics (Prometheus text format) and /status', () => {
  let backend: TestBackend;
  let alice: TestApi;
  beforeAll(async () => {
    backend = await TestBackend.start('pglite');
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
  }, 180_000);
  afterAll(() => backend?.stop());

  const scrape = async () => {
    const response = await fetch(`${backend.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('counts requests by route template, actions by result (applied, duplicate), and the open streams', async () => {
    const target = (await alice.conversations('?status=open'))[0]!;
    const batch = [createWorkspaceAction('send', target.id, { text: 'counted' }), createWorkspaceAction('close', target.id, {})];
    await alice.postActions(batch);
    await alice.postActions(batch);
    await alice.conversation(target.id);
    const text = await scrape();
    const actions = series(text, 'holdfast_actions_total');
    expect(actions.get('{result="applied"}')).toBeGreaterThanOrEqual(2);
    expect(actions.get('{result="duplicate"}')).toBeGreaterThanOrEqual(2);
    const requests = series(text, 'holdfast_http_requests_total');
    expect(requests.get('{route="/api/actions",method="POST",status="2xx",criticality="critical"}')).toBeGreaterThanOrEqual(2);
    // The template, never the id.
    expect(requests.get('{route="/api/conversations/:id",method="GET",status="2xx",criticality="critical"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(target.id);
    expect(series(text, 'holdfast_event_streams_open').get('')).toBe(0);
    expect(series(text, 'holdfast_event_streams_cap').get('')).toBeGreaterThan(0);
    expect(series(text, 'holdfast_http_request_duration_seconds_count').size).toBeGreaterThan(0);
    // PGlite has no LISTEN connection: no series for it, rather than a 0 an alert would read as "down".
    expect(text).not.toMatch(/^holdfast_change_listener_up/m);
  });

  it('10,000 requests to random URLs leave the number of series bounded', async () => {
    const before = series(await scrape(), 'holdfast_http_requests_total').size;
    const random = () => Math.random().toString(36).slice(2);
    for (let start = 0; start < 10_000; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, index) => {
          const path = [`/api/${random()}/${random()}`, `/wp-admin/${random()}.php`, `/api/conversations/${random()}`, `/.env?${random()}`][
            (start + index) % 4
          ]!;
          return fetch(`${backend.url}${path}`, { method: index % 7 === 0 ? 'PROPFIND' : 'GET' }).then((response) => response.arrayBuffer());
        }),
      );
    }
    const text = await scrape();
    const after = series(text, 'holdfast_http_requests_total');
    // A handful of new series (unmatched, the id route's 4xx…), not thousands.
    expect(after.size - before).toBeLessThan(20);
    expect(after.size).toBeLessThan(100);
    expect(text).not.toMatch(/wp-admin|\.env/);
  }, 180_000);

  it('/status: API, database, event streams and the safeguard at a glance, refreshing itself, with nothing from the app bundle', async () => {
    const response = await fetch(`${backend.url}/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('All systems working');
    for (const component of ['API', 'Database', 'Event streams', 'Stream safeguard'])
      expect(html).toMatch(new RegExp(`<th scope="row">${component}</th><td class="ok">OK</td>`));
    expect(html).toContain('migrations applied');
    expect(html).toContain('Incident reports');
    expect(html).toContain('No incident reports published.');
    expect(html).toContain('<meta http-equiv="refresh" content="10">');
    // Works with the bundle broken: no script, no asset of the build.
    expect(html).not.toMatch(/<script|\/assets\//);
    // Its only style is allowed by nonce; nothing else may load.
    const nonce = html.match(/<style nonce="([^"]+)">/)![1];
    expect(response.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
  });

  it("Debian's Prometheus scrapes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-prometheus-'));
    const port = await freePort();
    const target = new URL(backend.url);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: holdfast\n    metrics_path: /metrics\n    static_configs:\n      - targets: ['${target.host}']\n`,
    );
    const prometheus: ChildProcess = spawn(
      process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' },
    );
    try {
      const query = async (promql: string) => {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => null);
        if (!response?.ok) return null;
        const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1] ?? null;
      };
      // Up, and our own series in its store.
      await expect.poll(() => query('up{job="holdfast"}'), { timeout: 60_000, interval: 500 }).toBe('1');
      await expect.poll(() => query('holdfast_event_streams_cap{job="holdfast"}'), { timeout: 30_000, interval: 500 }).not.toBeNull();
    } finally {
      prometheus.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
