import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../support/serverProcess.js';
import { requestFrom, setCookieOf, type RawAnswer } from '../support/rawHttp.js';
import { TestBackend } from './backends.js';

const agents = ['alice@example.com', 'bob@example.com', 'dana@example.com', 'eli@example.com'];
const signIn = (base: string, from: string, email: string, password: string, headers: Record<string, string> = {}) =>
  requestFrom(`${base}/api/login`, { from, headers, json: { email, password } });
const errorCode = (answer: RawAnswer) => (JSON.parse(answer.body) as { error?: { code: string } }).error?.code;

// Two server nodes on one PostgreSQL, as a cluster runs them; clients from addresses of their own.
// SIGN_IN_BASE_DELAY_MS: a delay once slowed down that outlasts a test's steps on any machine.
describe('sign-in an attacker cannot turn against agents (PostgreSQL, two nodes)', () => {
  let backend: TestBackend;
  let other: ServerProcess;
  const env = { SIGN_IN_BASE_DELAY_MS: '60000' };
  beforeAll(async () => {
    backend = await TestBackend.start('postgres', env);
    other = await ServerProcess.start(backend.server.target, env);
  }, 180_000);
  afterAll(async () => {
    await other?.stop();
    await backend?.stop();
  });

  it('a stranger’s wrong passwords for every agent do not keep the agents out, and the stranger is slowed on every node', async () => {
    for (const email of agents) {
      const answers: RawAnswer[] = [];
      for (let attempt = 0; attempt < 10; attempt++) answers.push(await signIn(backend.url, '127.0.0.10', email, `guess ${attempt}`));
      // Five free failures, the sixth checked and then a wait: the rest were never checked.
      expect(answers.filter((answer) => answer.status === 401)).toHaveLength(6);
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(4);
    }
    for (const [index, email] of agents.entries()) {
      const answer = await signIn(backend.url, `127.0.1.${index + 1}`, email, 'holdfast');
      expect(answer.status, `${email} from another address`).toBe(200);
    }
    // The count lives in the database: the other node slows the stranger down too, with the right password.
    const elsewhere = await signIn(other.url, '127.0.0.10', 'alice@example.com', 'holdfast');
    expect(elsewhere.status).toBe(429);
    expect(errorCode(elsewhere)).toBe('too-many-sign-ins');
    expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(30);
  });

  it('forty concurrent guesses from one address: no more passwords checked than the free ones', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => signIn(backend.url, '127.0.0.20', 'bob@example.com', index === 39 ? 'holdfast' : `guess ${index}`)),
    );
    const checked = answers.filter((answer) => answer.status === 401 || answer.status === 200);
    expect(checked.length).toBeLessThanOrEqual(6);
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThanOrEqual(34);
  });

  it('other spellings of an email: the same account under Unicode’s compatibility forms and case, never a fresh count for another', async () => {
    // Dotted capital I is not "i": an unknown account, whose right password is no password at all.
    expect((await signIn(backend.url, '127.0.0.31', 'el\u0130@example.com', 'holdfast')).status).toBe(401);
    // Upper case, full-width letters and spaces around are carol, and count as carol: six guesses under
    // three spellings slow the guesser's address down for carol, whatever the spelling.
    const spellings = ['CAROL@globex.example', '\uff43\uff41\uff52\uff4f\uff4c@globex.example', ' carol@GLOBEX.example '];
    for (const spelling of spellings)
      for (let attempt = 0; attempt < 2; attempt++) expect((await signIn(backend.url, '127.0.0.30', spelling, `guess ${attempt}`)).status).toBe(401);
    for (const spelling of [...spellings, 'carol@globex.example']) {
      expect((await signIn(backend.url, '127.0.0.30', spelling, 'holdfast')).status, spelling).toBe(429);
      const fresh = await signIn(backend.url, '127.0.0.32', spelling, 'holdfast');
      expect(fresh.status, spelling).toBe(200);
      expect((JSON.parse(fresh.body) as { agent: { email: string } }).agent.email).toBe('carol@globex.example');
    }
  });

  it('guesses from many addresses slow an account down for a minute at most; its known devices and live sessions still sign in', async () => {
    const first = await signIn(backend.url, '127.0.2.1', 'dana@example.com', 'holdfast');
    expect(first.status).toBe(200);
    const device = /^holdfast_device=([^;]+)/.exec(setCookieOf(first, 'holdfast_device') ?? '')?.[1];
    expect(device).toBeTruthy();
    const { token } = JSON.parse(first.body) as { token: string };

    let slowed: RawAnswer | undefined;
    for (let index = 0; index < 40 && !slowed; index++) {
      const answer = await signIn(backend.url, `127.0.3.${index + 1}`, 'dana@example.com', `guess ${index}`);
      if (answer.status === 429) slowed = answer;
    }
    expect(slowed, 'the account is slowed down').toBeDefined();
    expect(Number(slowed!.headers['retry-after'])).toBeLessThanOrEqual(60);
    // A new device at a new address waits too (at most a minute)…
    expect((await signIn(backend.url, '127.0.4.1', 'dana@example.com', 'holdfast')).status).toBe(429);
    // …but not the browser Dana signed in from before, nor one holding her live session.
    expect((await signIn(backend.url, '127.0.4.2', 'dana@example.com', 'holdfast', { cookie: `holdfast_device=${device}` })).status).toBe(200);
    expect((await signIn(other.url, '127.0.4.3', 'dana@example.com', 'holdfast', { authorization: `Bearer ${token}` })).status).toBe(200);
    // A device cookie of another agent is no pass for Dana.
    expect(
      (await signIn(backend.url, '127.0.4.4', 'dana@example.com', 'holdfast', { cookie: 'holdfast_device=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }))
        .status,
    ).toBe(429);
  });
});
