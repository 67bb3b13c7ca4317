import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/runNode.js';
import { ServerProcess } from '../support/serverProcess.js';
import { TestBackend } from './backends.js';
import { tempDir } from '../support/tempDir.js';

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
const addAgent = (dataDir: string, password: string, ...args: string[]) =>
  runNode(['--import', 'tsx', 'app/server/adminCli.ts', 'add-agent', ...args], { DATA_DIR: dataDir, DATABASE_URL: '', AGENT_PASSWORD: password }).then(
    (output) => ({ ok: true, output }),
    (error: Error) => ({ ok: false, output: error.message }),
  );

// A production server as an operator starts it: an empty database, SEED not set.
describe('production without demo defaults', () => {
  let server: ServerProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir('holdfast-production-');
    server = await ServerProcess.start({ dataDir }, { SEED: '' });
  }, 180_000);
  afterAll(() => server?.stop());

  it('seeds nothing: no demo agent signs in, the sign-in page names no account or password', async () => {
    expect((await login(server.url, 'alice@example.com', 'holdfast')).status).toBe(401);
    expect(await (await fetch(`${server.url}/api/demo-accounts`)).json()).toEqual({ accounts: [], password: null });
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).not.toContain('alice@example.com');
    expect(page).not.toContain('holdfast”');
  });

  it('an operator adds the first agent with `npm run add-agent`; bad input changes nothing', async () => {
    await server.stop(); // PGlite: one process per data directory
    try {
      const short = await addAgent(dataDir, 'short', '--tenant', 'Acme Support', '--email', 'ann@acme.example', '--name', 'Ann Lee');
      expect(short.ok).toBe(false);
      expect(short.output).toContain('shorter than 12 characters');
      const added = await addAgent(dataDir, 'a long enough passphrase', '--tenant', 'Acme Support', '--email', ' Ann@ACME.example ', '--name', 'Ann Lee');
      expect(added.ok, added.output).toBe(true);
      const again = await addAgent(dataDir, 'a long enough passphrase', '--tenant', 'Acme Support', '--email', 'ann@acme.example', '--name', 'Ann Again');
      expect(again.output).toContain('already signs in');
    } finally {
      await server.restart();
    }
    expect((await login(server.url, 'ann@acme.example', 'short')).status).toBe(401);
    const answer = await login(server.url, 'ANN@acme.example', 'a long enough passphrase');
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { agent: { email: string; name: string } }).agent).toMatchObject({ email: 'ann@acme.example', name: 'Ann Lee' });
  });
});

describe('the demo data, where it was seeded (npm start)', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await TestBackend.start('pglite');
  }, 120_000);
  afterAll(() => backend?.stop());

  it('names its accounts and password for the sign-in page’s hint', async () => {
    expect(await (await fetch(`${backend.url}/api/demo-accounts`)).json()).toEqual({
      accounts: ['alice@example.com', 'bob@example.com', 'dana@example.com', 'eli@example.com'],
      password: 'holdfast',
    });
  });
});
