import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'holdfast/server';
import { openPostgres } from 'holdfast/server';
import { rotateMediaKey } from '../../app/server/mediaKeys.js';
import type { Message } from '../../app/shared/index.js';
import { metricSum } from '../support/metricSum.js';
import { adminUrl } from '../support/postgresServer.js';
import { requestFrom } from '../support/rawHttp.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function imageUrl(base: string): Promise<URL> {
  const api = await TestApi.signIn(base, 'alice@example.com');
  for (const conversation of await api.conversations()) {
    const found = (await api.conversation(conversation.id)).messages.find((message: Message) => message.attachments.length > 0);
    if (found) return new URL(found.attachments[0]!.url, base);
  }
  throw new Error('no message with an image in the demo data');
}

// Media links, the public health endpoints and sessions, on a real server and PostgreSQL.
describe('media links expire and their key rotates; health endpoints are cheap; sessions are bounded (PostgreSQL)', () => {
  let backend: TestBackend;
  let db: Database;
  let databaseName: string;
  const env = { MEDIA_URL_TTL_SECONDS: '600', MAX_SESSIONS_PER_AGENT: '3', SESSION_IDLE_MINUTES: '0.05' };
  beforeAll(async () => {
    backend = await TestBackend.start('postgres', env);
    const url = (backend.server.target as { databaseUrl: string }).databaseUrl;
    databaseName = new URL(url).pathname.slice(1);
    db = await openPostgres({ connectionString: url, maxConnections: 1 });
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await backend?.stop();
  });

  it('a media URL carries its expiry and key; it works under a rotated key until the key after that', async () => {
    const first = await imageUrl(backend.url);
    expect(Number(first.searchParams.get('e')) * 1000).toBeGreaterThan(Date.now() + 590_000);
    expect(Number(first.searchParams.get('e')) * 1000).toBeLessThan(Date.now() + 700_000);
    const answer = await fetch(first);
    expect(answer.status).toBe(200);
    const maxAge = Number(/max-age=(\d+)/.exec(answer.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(660);

    await rotateMediaKey(db);
    await backend.server.restartWith(env);
    const second = await imageUrl(backend.url);
    expect(second.searchParams.get('k')).not.toBe(first.searchParams.get('k'));
    expect((await fetch(first)).status).toBe(200);
    expect((await fetch(second)).status).toBe(200);

    await rotateMediaKey(db);
    await backend.server.restartWith(env);
    expect((await fetch(first)).status).toBe(403);
    expect((await fetch(second)).status).toBe(200);
  });

  it('a media URL stops working when its time is up (hours in production, seconds here)', async () => {
    await backend.server.restartWith({ ...env, MEDIA_URL_TTL_SECONDS: '2' });
    try {
      const url = await imageUrl(backend.url);
      expect((await fetch(url)).status).toBe(200);
      await expect.poll(async () => (await fetch(url)).status, { timeout: 15_000, interval: 500 }).toBe(403);
      const expired = (await (await fetch(url)).json()) as { error: { message: string } };
      expect(expired.error.message).toMatch(/expired/);
      // Changing the expiry breaks the signature.
      const extended = new URL(url);
      extended.searchParams.set('e', String(Number(url.searchParams.get('e')) + 3600));
      expect((await fetch(extended)).status).toBe(403);
    } finally {
      await backend.server.restartWith(env);
    }
  });

  it('a flood of /readyz and /status reads the database about once a second, and each address is limited', async () => {
    const reads = async () => metricSum(await (await fetch(`${backend.url}/metrics`)).text(), 'holdfast_health_database_reads_total');
    const before = await reads();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        requestFrom(`${backend.url}${index % 4 === 0 ? '/status' : '/readyz'}`, { from: `127.0.7.${1 + (index % 50)}` }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect((await reads()) - before).toBeLessThanOrEqual(Math.ceil(seconds) + 2);

    let limited = false;
    for (let index = 0; index < 70 && !limited; index++) limited = (await requestFrom(`${backend.url}/status`, { from: '127.0.7.200' })).status === 429;
    expect(limited).toBe(true);
  });

  it('with the database unreachable, /status says so without the driver’s message, and /readyz answers 503', async () => {
    const admin = await openPostgres({ connectionString: adminUrl(), maxConnections: 1 });
    try {
      await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [databaseName]);
      await expect.poll(async () => (await requestFrom(`${backend.url}/readyz`, { from: '127.0.8.1' })).status, { timeout: 15_000 }).toBe(503);
      const status = await requestFrom(`${backend.url}/status`, { from: '127.0.8.2' });
      expect(status.status).toBe(503);
      expect(status.body).toContain('unreachable');
      expect(status.body).not.toContain(databaseName);
      expect(status.body).not.toMatch(/connection|terminat|password|postgres:/i);
    } finally {
      await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
      await admin.close();
      await db.close();
      db = await openPostgres({ connectionString: (backend.server.target as { databaseUrl: string }).databaseUrl, maxConnections: 1 });
    }
    await expect.poll(async () => (await requestFrom(`${backend.url}/readyz`, { from: '127.0.8.3' })).status, { timeout: 15_000 }).toBe(200);
  });

  it('an agent holds at most MAX_SESSIONS_PER_AGENT sessions: signing in beyond that ends the oldest', async () => {
    const sessions: TestApi[] = [];
    for (let index = 0; index < 4; index++) sessions.push(await TestApi.signIn(backend.url, 'bob@example.com'));
    expect((await sessions[0]!.raw('/api/me')).status).toBe(401);
    for (const session of sessions.slice(1)) expect((await session.raw('/api/me')).status).toBe(200);
  });

  it('a session unused for SESSION_IDLE_MINUTES ends; one in use does not', async () => {
    const [busy, idle] = [await TestApi.signIn(backend.url, 'eli@example.com'), await TestApi.signIn(backend.url, 'dana@example.com')];
    // Idle time is 3 s here: the busy one is used every half second for 5 s.
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      expect((await busy.raw('/api/me')).status).toBe(200);
      await sleep(500);
    }
    expect((await idle.raw('/api/me')).status).toBe(401);
    expect((await busy.raw('/api/me')).status).toBe(200);
  });
});
