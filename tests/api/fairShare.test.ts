import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// npm start's database (PGlite: one query at a time) under one agent's flood of legitimate heavy requests.
// The figures, before and after, are in bench/RESULTS.md ("Fair shares"); here, what must hold anywhere.
describe('fair shares: one agent’s heavy requests do not starve another tenant (PGlite)', () => {
  let backend: TestBackend;
  let alice: TestApi;
  let carol: TestApi;
  let conversations: string[];
  beforeAll(async () => {
    backend = await TestBackend.start('pglite');
    [alice, carol] = await Promise.all([TestApi.signIn(backend.url, 'alice@example.com'), TestApi.signIn(backend.url, 'carol@globex.example')]);
    conversations = (await alice.conversations('?limit=200')).map((conversation) => conversation.id);
  }, 180_000);
  afterAll(() => backend?.stop());

  it('under three loops of 500-reply batches, another tenant’s /api/me waits a fraction of one batch, not a queue of them', async () => {
    let stop = false;
    const batchTimes: number[] = [];
    const loop = async () => {
      while (!stop) {
        const started = performance.now();
        const answer = await alice.postActions(
          Array.from({ length: 500 }, (_, index) => createWorkspaceAction('send', conversations[index % conversations.length]!, { text: `flood ${index}` })),
        );
        expect(answer.status).toBe(200);
        await answer.arrayBuffer();
        batchTimes.push(performance.now() - started);
      }
    };
    const loops = [loop(), loop(), loop()];
    const probe: number[] = [];
    // Until the flood has run a good while (at least 30 batches and 60 probes), however slow the machine.
    while (batchTimes.length < 30 || probe.length < 60) {
      const started = performance.now();
      expect((await carol.raw('/api/me')).status).toBe(200);
      probe.push(performance.now() - started);
      await sleep(20);
    }
    stop = true;
    await Promise.all(loops);
    const batch = median(batchTimes);
    const me = median(probe);
    console.log(
      `fair share: /api/me median ${me.toFixed(1)} ms under a flood whose batches took ${batch.toFixed(0)} ms each (median, as the flooder saw them)`,
    );
    // Without fair shares /api/me queued behind the flooder's batches: ~0.7 of a batch (measured 194–225 ms
    // against ~300 ms); with them it waits for at most the one batch running, and mostly for none.
    expect(me).toBeLessThan(batch * 0.3);
  });

  it('while another session is active, a page read holds at most 1,000 changes (the client asks for the rest); alone, what it asked for', async () => {
    const page = async () => await alice.json<{ conversations: unknown[]; messages: unknown[]; hasMore: boolean }>('/api/sync?cursor=0&limit=5000');
    const items = (body: { conversations: unknown[]; messages: unknown[] }) => body.conversations.length + body.messages.length;
    await sleep(1500); // nobody else about
    expect(items(await page())).toBe(5000);
    await carol.raw('/api/me');
    const shared = await page();
    expect(items(shared)).toBeLessThanOrEqual(1000);
    expect(shared.hasMore).toBe(true);
  });

  it('a session with more heavy requests waiting than its share is told to wait (429, Retry-After), and the rest are served', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => alice.raw('/api/sync?cursor=0&limit=200')));
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // Sixteen waiting (every tab of a browser may pull at once) are served, and one more when the process's
    // slot was free as they came (a fresh-clone run found it busy with earlier work: 16, not 17).
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(16);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(((await refused[0]!.json()) as { error: { code: string } }).error.code).toBe('too-many-heavy-requests');
    // Carol's own heavy requests are not refused for Alice's.
    expect((await carol.raw('/api/sync?cursor=0&limit=100')).status).toBe(200);
  });
});
