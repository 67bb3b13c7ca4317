import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyProcess } from '../../deploy/cluster/Cluster.js';
import { freePort, type ManagedProcess } from '../../deploy/cluster/ManagedProcess.js';
import { requestFrom, setCookieOf } from '../support/rawHttp.js';
import { TestBackend } from './backends.js';
import { tempDir } from '../support/tempDir.js';

/** A self-signed certificate and its key in one PEM file, as HAProxy's `crt` takes them. */
function selfSignedPem(): string {
  const dir = tempDir('holdfast-tls-');
  const pem = join(dir, 'holdfast.pem');
  execFileSync('sh', [
    '-c',
    `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout "${dir}/key.pem" -out "${dir}/cert.pem" 2>/dev/null && cat "${dir}/cert.pem" "${dir}/key.pem" > "${pem}"`,
  ]);
  return pem;
}

// The documented deployment: deploy/haproxy.cfg in front of a node that trusts it (TRUST_PROXY), as
// `npm run cluster` runs it. Clients connect from addresses of their own (127.0.0.2, .3, …).
describe('behind the load balancer (HAProxy), sign-in limits and cookies follow the real client', () => {
  let backend: TestBackend;
  let proxy: ManagedProcess;
  let plain: string;
  let secure: string;
  beforeAll(async () => {
    backend = await TestBackend.start('pglite', { TRUST_PROXY: '127.0.0.1', LOGIN_MAX_PER_ADDRESS_PER_MINUTE: '30' });
    const [plainPort, tlsPort] = [await freePort(), await freePort()];
    proxy = haproxyProcess(`127.0.0.1:${plainPort}`, [`127.0.0.1:${backend.server.port}`], undefined, { bind: `127.0.0.1:${tlsPort}`, cert: selfSignedPem() });
    await proxy.start();
    plain = `http://127.0.0.1:${plainPort}`;
    secure = `https://127.0.0.1:${tlsPort}`;
  }, 180_000);
  afterAll(async () => {
    await proxy?.stop();
    await backend?.stop();
  });

  const signIn = (base: string, from: string, email: string, password: string, headers: Record<string, string> = {}) =>
    requestFrom(`${base}/api/login`, { from, headers, json: { email, password, session: 'cookie' } });

  it('one client’s flood of bad sign-ins limits that client, not another agent behind the same proxy', async () => {
    let limited = false;
    for (let attempt = 0; attempt < 40 && !limited; attempt++)
      limited = (await signIn(plain, '127.0.0.2', `nobody${attempt}@example.com`, 'wrong')).status === 429;
    expect(limited).toBe(true);
    expect((await signIn(plain, '127.0.0.3', 'bob@example.com', 'holdfast')).status).toBe(200);
    // The flooding client stays limited, whatever X-Forwarded-For it makes up: HAProxy appends the real one.
    expect((await signIn(plain, '127.0.0.2', 'dana@example.com', 'holdfast', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
  });

  it('sent straight to the node, a made-up X-Forwarded-For is ignored (only the proxy is trusted)', async () => {
    let limited = false;
    for (let attempt = 0; attempt < 40 && !limited; attempt++) {
      limited =
        (await signIn(backend.url, '127.0.0.4', `stranger${attempt}@example.com`, 'wrong', { 'x-forwarded-for': `198.51.100.${attempt}` })).status === 429;
    }
    expect(limited).toBe(true);
  });

  it('over HTTPS through the proxy, cookies are Secure and answers carry HSTS; over HTTP they are not, whatever the client claims', async () => {
    const overTls = await signIn(secure, '127.0.0.5', 'eli@example.com', 'holdfast');
    expect(overTls.status).toBe(200);
    expect(setCookieOf(overTls, 'holdfast_session')).toMatch(/;\s*Secure/i);
    expect(setCookieOf(overTls, 'holdfast_device')).toMatch(/;\s*Secure/i);
    expect(overTls.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);

    const spoofed = await signIn(plain, '127.0.0.6', 'eli@example.com', 'holdfast', { 'x-forwarded-proto': 'https' });
    expect(spoofed.status).toBe(200);
    expect(setCookieOf(spoofed, 'holdfast_session')).not.toMatch(/;\s*Secure/i);
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('COOKIE_SECURE: TLS ends somewhere this server cannot see', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await TestBackend.start('pglite', { COOKIE_SECURE: 'true' });
  }, 120_000);
  afterAll(() => backend?.stop());

  it('makes every cookie Secure and adds HSTS, even over plain HTTP', async () => {
    const answer = await requestFrom(`${backend.url}/api/login`, { json: { email: 'bob@example.com', password: 'holdfast', session: 'cookie' } });
    expect(answer.status).toBe(200);
    expect(setCookieOf(answer, 'holdfast_session')).toMatch(/;\s*Secure/i);
    expect(answer.headers['strict-transport-security']).toMatch(/max-age=/);
  });
});
