import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, IncidentStore, type IncidentRecording, migrate, openPglite, ticketsPlaceholder } from 'holdfast/server';
import { workspaceMigrations } from '../../../../app/server/workspaceServerApp.js';
import { tempDir } from '../../../support/tempDir.js';

/** Incidents in the database (core migration 004), on PGlite: the same SQL runs on PostgreSQL (tests/api/incidents.test.ts). */
describe('IncidentStore', () => {
  let db: Database;
  let store: IncidentStore;
  beforeAll(async () => {
    db = await openPglite(tempDir('incidents-'));
    await migrate(db, workspaceMigrations);
    store = new IncidentStore(db);
  }, 60_000);
  afterAll(() => db?.close());

  const recording: IncidentRecording = {
    title: 'Chaos: server-sigkill (short form)',
    source: 'chaos',
    startedAt: 1_764_858_000_000,
    endedAt: 1_764_858_060_000,
    findings: { fault: 'the API server process is SIGKILLed', checks: [{ name: 'no reply lost', ok: true, figure: '0 lost of 14' }] },
    events: [
      { at: 1_764_858_015_123, source: 'agent:alice@example.com', kind: 'connection', detail: 'unreachable' },
      { at: 1_764_858_015_000, source: 'chaos', kind: 'fault injected', detail: 'server-sigkill' },
      { at: 1_764_858_016_200, source: 'prometheus', kind: 'alert pending', detail: 'HoldfastNodeDown' },
    ],
    series: [
      {
        name: 'Requests per second',
        query: 'sum(rate(holdfast_http_requests_total[5s]))',
        origin: 'prometheus',
        points: [
          [1_764_858_015_000, 12.5],
          [1_764_858_016_000, 0],
        ],
      },
    ],
  };

  it('keeps a recording as it came: its timeline in order, to the millisecond, and its metrics', async () => {
    const id = await store.record(recording);
    const stored = await store.load(id);
    expect(stored).toMatchObject({ id, title: recording.title, source: 'chaos', status: 'draft', reportMarkdown: null, publishedAt: null });
    expect(stored!.startedAt).toBe(recording.startedAt);
    expect(stored!.findings).toEqual(recording.findings);
    expect(stored!.events).toEqual([...recording.events].sort((a, b) => a.at - b.at));
    expect(stored!.series).toEqual(recording.series);
    expect(await store.load('not-an-id')).toBeUndefined();
    expect(await store.load('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('refuses a recording without a title or that ends before it starts, storing nothing', async () => {
    const before = (await store.list()).length;
    await expect(store.record({ ...recording, title: ' ' })).rejects.toThrow(/needs a title/);
    await expect(store.record({ ...recording, endedAt: recording.startedAt - 1 })).rejects.toThrow(/ends after it starts/);
    expect((await store.list()).length).toBe(before);
  });

  it('publishes only what a person edited: the ticket placeholder refuses it and changes nothing; published once', async () => {
    const id = await store.record(recording);
    const draft = `# ${recording.title}\n\n## Number of support tickets raised\n\n${ticketsPlaceholder}\n`;
    await store.saveDraft(id, draft);
    await expect(store.publish(id, draft)).rejects.toThrow(/only a person knows it/);
    expect((await store.load(id))!.status).toBe('draft');
    expect(await store.published()).toEqual([]);

    const edited = draft.replace(ticketsPlaceholder, '3 tickets.');
    await expect(store.publish(id, 'no title line')).rejects.toThrow(/no title line/);
    await store.publish(id, edited);
    const [published] = await store.published();
    expect(published).toMatchObject({ id, status: 'published', reportMarkdown: edited });
    expect(await store.publishedReport(id)).toEqual({ title: recording.title, markdown: edited });
    await expect(store.publish(id, edited)).rejects.toThrow(/published already/);
    await expect(store.saveDraft(id, 'again')).rejects.toThrow(/published already/);
    await expect(store.publish('00000000-0000-4000-8000-000000000000', edited)).rejects.toThrow(/does not exist/);
  });
});
