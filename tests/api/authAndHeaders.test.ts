import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from 'holdfast/server';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { signInAsBrowser } from '../support/browserSession.js';
import { requestFrom } from '../support/rawHttp.js';
import { SseClient } from '../support/sseClient.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const login = (url: string, email: string, password: string, extra: Record<string, unknown> = {}) =>
  fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, ...extra }) });

/** Sends raw bytes on a socket and answers what came back, once the server closes or `waitMs` passes. */
function rawRequest(url: string, chunks: { bytes: string; afterMs?: number }[], waitMs: number): Promise<{ text: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let text = '';
    const done = () => resolve({ text, ms: Date.now() - started });
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('close', done);
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), waitMs);
    let delay = 0;
    for (const chunk of chunks) {
      delay += chunk.afterMs ?? 0;
      setTimeout(() => !socket.destroyed && socket.write(chunk.bytes), delay);
    }
  });
}

describe('sign-in hardening, cookie sessions and headers (PGlite)', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await TestBackend.start('pglite', { LOGIN_MAX_PER_ADDRESS_PER_MINUTE: '40', REQUEST_TIMEOUT_MS: '2000' });
  }, 120_000);
  afterAll(() => backend?.stop());

  it('an unknown email costs the same time as a wrong password', async () => {
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let index = 0; index < 8; index++) {
      for (const [list, email] of [
        [unknown, `nobody${index}@example.com`],
        [wrong, 'dana@example.com'],
      ] as const) {
        // Each from an address of its own: one address's guesses are slowed down after five (SignInThrottle).
        const started = performance.now();
        const response = await requestFrom(`${backend.url}/api/login`, { from: `127.0.5.${index + 1}`, json: { email, password: 'not the password' } });
        list.push(performance.now() - started);
        expect(response.status).toBe(401);
      }
    }
    console.log(`sign-in refused: unknown email median ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms`);
    // Within noise of each other (before: 11 ms against 790 ms).
    expect(median(unknown) / median(wrong)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(wrong)).toBeLessThan(2);
  });

  it('repeated wrong passwords slow the guessing address down (429, Retry-After) even against the right one; other accounts are unaffected', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 10; index++) statuses.push((await login(backend.url, 'eli@example.com', `guess ${index}`)).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const slowed = await login(backend.url, 'ELI@example.com', 'holdfast');
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await slowed.json()) as { error: { code: string } }).error.code).toBe('too-many-sign-ins');
    expect((await login(backend.url, 'bob@example.com', 'holdfast')).status).toBe(200);
  });

  it('a browser session is an HttpOnly, SameSite=Strict cookie; changes need the app’s header and origin', async () => {
    const session = await signInAsBrowser(backend.url, 'dana@example.com');
    const cookie = `${session.cookie.name}=${session.cookie.value}`;
    const me = await fetch(`${backend.url}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    const conversation = (await (await fetch(`${backend.url}/api/conversations?limit=1`, { headers: { cookie } })).json()) as {
      conversations: { id: string }[];
    };
    const body = JSON.stringify({ actions: [createWorkspaceAction('send', conversation.conversations[0]!.id, { text: 'from the cookie' })] });
    const post = (headers: Record<string, string>) =>
      fetch(`${backend.url}/api/actions`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body });
    const forged = await post({});
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('cross-site-request');
    expect((await post({ 'x-holdfast-request': '1', origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ 'x-holdfast-request': '1', origin: backend.url })).status).toBe(200);
    const logout = await fetch(`${backend.url}/api/logout`, { method: 'POST', headers: { cookie, 'x-holdfast-request': '1' } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/holdfast_session=;/);
    expect((await fetch(`${backend.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('the login answer for a cookie session holds no token', async () => {
    const response = await login(backend.url, 'carol@globex.example', 'holdfast', { session: 'cookie' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('token');
    const setCookie = response.headers.getSetCookie().find((header) => header.startsWith('holdfast_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/api/);
  });

  it('the app shell carries a strict CSP whose nonce is on its scripts; API answers forbid everything; maps are not served', async () => {
    for (const path of ['/', '/conversations/00000000-0000-4000-8000-000000000001', '/index.html']) {
      const response = await fetch(`${backend.url}${path}`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy')!;
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      const html = await response.text();
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const first = (await fetch(`${backend.url}/`)).headers.get('content-security-policy');
    const second = (await fetch(`${backend.url}/`)).headers.get('content-security-policy');
    expect(first).not.toBe(second);
    const api = await fetch(`${backend.url}/api/health`);
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const html = await (await fetch(`${backend.url}/`)).text();
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(`${backend.url}${entry}`)).status).toBe(200);
    const map = await fetch(`${backend.url}${entry}.map`);
    expect(map.status).toBe(404);
    expect(await (await fetch(`${backend.url}${entry}`)).text()).not.toContain('sourceMappingURL');
  });

  it('a malformed URL, oversized headers and a body that never arrives get the API’s own JSON errors', async () => {
    const badUrl = await fetch(`${backend.url}/api/%`);
    expect(badUrl.status).toBe(400);
    expect(((await badUrl.json()) as { error: { code: string } }).error.code).toBe('invalid-url');

    const big = await rawRequest(backend.url, [{ bytes: `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n` }], 5000);
    expect(big.text).toMatch(/^HTTP\/1\.1 431/);
    expect(big.text).toContain('"code":"headers-too-large"');

    // Headers promise 100 bytes; 5 arrive, then nothing: cut off near REQUEST_TIMEOUT_MS (2 s here), not held open.
    const slow = await rawRequest(
      backend.url,
      [{ bytes: 'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ema' }, { bytes: 'i', afterMs: 500 }],
      15_000,
    );
    expect(slow.text).toMatch(/^HTTP\/1\.1 408/);
    expect(slow.ms).toBeLessThan(8000);
  });

  it('one address is limited per minute, with Retry-After (last: it uses up the minute of this address)', async () => {
    let response: Response | undefined;
    for (let attempt = 0; attempt < 41; attempt++) {
      response = await login(backend.url, `stranger${attempt}@example.com`, 'wrong');
      if (response.status === 429) break;
    }
    expect(response!.status).toBe(429);
    expect(Number(response!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response!.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
  });
});

describe('sessions, ids and failures (PostgreSQL)', () => {
  let backend: TestBackend;
  let databaseUrl: string;
  beforeAll(async () => {
    backend = await TestBackend.start('postgres', { SESSION_TTL_HOURS: '0.001', SESSION_PURGE_INTERVAL_MS: '500', STREAM_SESSION_CHECK_MS: '500' });
    databaseUrl = (backend.server.target as { databaseUrl: string }).databaseUrl;
  }, 120_000);
  afterAll(() => backend?.stop());

  it('an expired session is refused, its open stream ends within seconds, and it is purged from the database', async () => {
    const alice = await TestApi.signIn(backend.url, 'alice@example.com');
    const stream = await SseClient.open(`${backend.url}/api/events`, { authorization: `Bearer ${alice.token}` });
    expect(stream.status).toBe(200);
    await stream.until((client) => client.ended, 15_000);
    expect((await alice.raw('/api/me')).status).toBe(401);
    const db = await openPostgres({ connectionString: databaseUrl, maxConnections: 1 });
    try {
      await expect.poll(async () => Number((await db.query('SELECT count(*) AS n FROM sessions')).rows[0]!.n), { timeout: 10_000 }).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('an action id another tenant used neither blocks nor reveals anything', async () => {
    const [alice, carol] = await Promise.all([TestApi.signIn(backend.url, 'alice@example.com'), TestApi.signIn(backend.url, 'carol@globex.example')]);
    const carolsSend = createWorkspaceAction('send', (await carol.conversations())[0]!.id, { text: 'carol was first' });
    const alicesTarget = (await alice.conversations())[0]!;
    expect((await ((await carol.postActions([carolsSend])).json() as Promise<{ results: { status: string }[] }>)).results[0]!.status).toBe('applied');
    const same = { ...createWorkspaceAction('send', alicesTarget.id, { text: 'alice with the same id' }), id: carolsSend.id };
    const first = (await (await alice.postActions([same])).json()) as { results: { status: string }[] };
    expect(first.results[0]!.status).toBe('applied');
    expect((await alice.conversation(alicesTarget.id)).messages.some((message) => message.id === same.id && message.body === 'alice with the same id')).toBe(
      true,
    );
    const again = (await (await alice.postActions([same])).json()) as { results: { status: string }[] };
    expect(again.results[0]!.status).toBe('duplicate');
  });

  it('a request that fails inside the server is logged at error level with its request id, which the answer names', async () => {
    const alice = await TestApi.signIn(backend.url, 'alice@example.com');
    const db = await openPostgres({ connectionString: databaseUrl, maxConnections: 1 });
    try {
      await db.query('ALTER TABLE canned_replies RENAME TO canned_replies_away');
      const response = await alice.raw('/api/canned-replies');
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as { error: { code: string; requestId: string } };
      expect(error.code).toBe('internal');
      expect(response.headers.get('x-request-id')).toBe(error.requestId);
      await expect.poll(() => backend.server.output.split('\n').some((line) => line.includes('"level":50') && line.includes(error.requestId))).toBe(true);
    } finally {
      await db.query('ALTER TABLE canned_replies_away RENAME TO canned_replies');
      await db.close();
    }
  });
});
