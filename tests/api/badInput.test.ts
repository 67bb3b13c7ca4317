import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceAction, type Conversation } from '../../app/shared/index.js';
import type { DatabaseSnapshot } from '../support/databaseSnapshot.js';
import { TestApi } from '../support/testApi.js';
import { backendKinds, TestBackend } from './backends.js';

/**
 * Every malformed or unauthorised request gets a 4xx with a clear error and changes nothing. All of them
 * run, each checked for its status and code, and then the database is compared with its state before.
 */
describe.each(backendKinds)('bad input to POST /api/actions on %s', (kind) => {
  let backend: TestBackend;
  let alice: TestApi;
  let target: Conversation;
  let otherTenantConversation: Conversation;
  let before: DatabaseSnapshot;

  beforeAll(async () => {
    backend = await TestBackend.start(kind);
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
    const carol = await TestApi.signIn(backend.url, 'carol@globex.example');
    target = (await alice.conversations('?status=open'))[0]!;
    otherTenantConversation = (await carol.conversations())[0]!;
    before = await backend.snapshot();
  });
  afterAll(() => backend?.stop());

  const valid = () => createWorkspaceAction('send', target.id, { text: 'should never land' });

  const cases: [string, () => Promise<Response>, number, string][] = [
    [
      'malformed JSON',
      () => alice.raw('/api/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"actions": [' }),
      400,
      'invalid-json',
    ],
    ['an empty body', () => alice.raw('/api/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }), 400, 'invalid-json'],
    [
      'a body that is not JSON',
      () => alice.raw('/api/actions', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'send it' }),
      415,
      'unsupported-media-type',
    ],
    ['no actions array', () => alice.raw('/api/actions', { method: 'POST', json: { action: valid() } }), 400, 'invalid-request'],
    ['an empty batch', () => alice.raw('/api/actions', { method: 'POST', json: { actions: [] } }), 400, 'invalid-request'],
    ['an unknown action type', () => alice.postActions([{ ...valid(), type: 'delete' }]), 400, 'invalid-request'],
    ['a missing id', () => alice.postActions([{ ...valid(), id: undefined as unknown as string }]), 400, 'invalid-request'],
    ['an id that is not a UUID', () => alice.postActions([{ ...valid(), id: '42' }]), 400, 'invalid-request'],
    ['a missing payload', () => alice.postActions([{ ...valid(), payload: undefined }]), 400, 'invalid-request'],
    ['a payload field of the wrong type', () => alice.postActions([{ ...valid(), payload: { text: 42 } }]), 400, 'invalid-request'],
    ['an empty message', () => alice.postActions([{ ...valid(), payload: { text: '   ' } }]), 400, 'invalid-request'],
    ['an unexpected field', () => alice.postActions([{ ...valid(), tenantId: 'someone-else' } as never]), 400, 'invalid-request'],
    ['a createdAt that is not a date', () => alice.postActions([{ ...valid(), createdAt: 'yesterday' }]), 400, 'invalid-request'],
    ['a negative baseVersion', () => alice.postActions([{ ...valid(), baseVersion: -1 }]), 400, 'invalid-request'],
    ['a valid action beside an invalid one', () => alice.postActions([valid(), { ...valid(), type: 'fly' }]), 400, 'invalid-request'],
    ['too many actions', () => alice.postActions(Array.from({ length: 501 }, valid)), 400, 'invalid-request'],
    ['an oversized body', () => alice.postActions([{ ...valid(), payload: { text: 'x'.repeat(1_100_000) } }]), 413, 'body-too-large'],
    [
      'a conversation of another tenant',
      () => alice.postActions([valid(), createWorkspaceAction('close', otherTenantConversation.id, {})]),
      404,
      'conversation-not-found',
    ],
    [
      'a conversation that does not exist',
      () => alice.postActions([createWorkspaceAction('close', '00000000-0000-4000-8000-00000000abcd', {})]),
      404,
      'conversation-not-found',
    ],
    ['a sync page larger than the protocol allows', () => alice.raw('/api/sync?cursor=0&limit=5001'), 400, 'invalid-request'],
    ['a sync cursor that is not a number', () => alice.raw('/api/sync?cursor=abc'), 400, 'invalid-request'],
    ['no token', () => new TestApi(backend.url).postActions([valid()]), 401, 'unauthenticated'],
    ['a bad token', () => new TestApi(backend.url, 'not-a-real-token-at-all-000000000').postActions([valid()]), 401, 'invalid-token'],
    [
      'a malformed Authorization header',
      () => alice.raw('/api/actions', { method: 'POST', headers: { authorization: 'Basic YWxpY2U6aG9sZGZhc3Q=' }, json: { actions: [valid()] } }),
      401,
      'invalid-token',
    ],
  ];

  it.each(cases)('%s gets a clear 4xx', async (_name, request, status, code) => {
    const response = await request();
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it('and none of them changed the database', async () => {
    expect(await backend.snapshot()).toEqual(before);
  });

  it('a signed-out token is refused', async () => {
    const bob = await TestApi.signIn(backend.url, 'bob@example.com');
    expect((await bob.raw('/api/logout', { method: 'POST' })).status).toBe(204);
    const response = await bob.postActions([valid()]);
    expect(response.status).toBe(401);
  });
});
