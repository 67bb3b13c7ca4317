import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../tests/support/paths.js';
import { ServerProcess } from '../../../tests/support/serverProcess.js';
import { SseClient } from '../../../tests/support/sseClient.js';
import { TestApi } from '../../../tests/support/testApi.js';
import { tempDir } from '../../../tests/support/tempDir.js';

/**
 * Per-member data on the framework (ChangeModel.visibleTo), against the app's real server: a member's
 * notes reach only that member, over /api/sync and over the event stream, and another member's writes
 * move their cursor without showing them anything.
 */
const appDir = join(import.meta.dirname, '..');
const appName = 'notes';
type Note = { id: string; text: string; ownerId: string; version: number };
type Page = { notes: Note[]; cursor: string; from?: string };

let server: ServerProcess;
beforeAll(async () => {
  server = await ServerProcess.start({ dataDir: tempDir(`holdfast-${appName}-api-`) }, { SEED: 'demo' }, relative(repoRoot, join(appDir, 'server', 'main.ts')));
});
afterAll(() => server?.stop());

const write = (api: TestApi, noteId: string, text: string) =>
  api.json<{ results: { status: string; code?: string }[] }>('/api/actions', {
    method: 'POST',
    json: { actions: [{ id: crypto.randomUUID(), type: 'write', targetId: noteId, payload: { text }, createdAt: new Date().toISOString() }] },
  });

describe('private notes', () => {
  it('reach only their writer, over sync and the event stream, and cannot be written by another member', async () => {
    const ann = await TestApi.signIn(server.url, `ann@${appName}.example`);
    const ben = await TestApi.signIn(server.url, `ben@${appName}.example`);
    const annStream = await SseClient.open(`${server.url}/api/events`, { authorization: `Bearer ${ann.token}` });
    await annStream.until((stream) => stream.events.some((event) => event.event === 'ready'));
    const changes = () => annStream.events.filter((event) => event.event === 'change').map((event) => JSON.parse(event.data) as Page);

    const bensNote = crypto.randomUUID();
    expect((await write(ben, bensNote, 'Ben’s own')).results[0]!.status).toBe('applied');
    // Ann's stream moves past Ben's change and carries none of it.
    await annStream.until(() => changes().length === 1);
    expect(changes()[0]!.notes).toEqual([]);

    const annsNote = crypto.randomUUID();
    expect((await write(ann, annsNote, 'Ann’s own')).results[0]!.status).toBe('applied');
    await annStream.until(() => changes().length === 2);
    // Pushed pages follow on, so the client applies them with no pull.
    expect(changes()[1]).toMatchObject({ from: changes()[0]!.cursor, notes: [{ id: annsNote, text: 'Ann’s own' }] });
    annStream.close();

    const synced = async (api: TestApi) => (await api.json<Page>('/api/sync?cursor=0&limit=500')).notes.map((note) => note.text);
    expect(await synced(ann)).toEqual(['Ann’s own']);
    expect(await synced(ben)).toEqual(['Ben’s own']);
    // One page at a time, Ben's cursor passes Ann's change without skipping his own.
    const first = await ben.json<Page & { hasMore: boolean }>('/api/sync?cursor=0&limit=1');
    const second = await ben.json<Page & { hasMore: boolean }>(`/api/sync?cursor=${first.cursor}&limit=1`);
    expect([...first.notes, ...second.notes].map((note) => note.text)).toEqual(['Ben’s own']);

    // Ben cannot write Ann's note: refused, and nothing changes.
    expect((await write(ben, annsNote, 'overwritten')).results[0]).toMatchObject({ status: 'rejected', code: 'note-not-found' });
    expect(await synced(ann)).toEqual(['Ann’s own']);
  });
});
