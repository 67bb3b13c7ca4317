import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionEnvelope, ActionResult } from 'holdfast/client';
import { createWorkspaceAction, type Conversation, type ConversationState } from '../../app/shared/index.js';
import { TestApi } from '../support/testApi.js';
import { protocolBackendKinds, startProtocolBackend, type ProtocolBackend } from './backends.js';

type Results = { results: ActionResult<ConversationState>[] };

describe.each(protocolBackendKinds)('the action protocol on %s', (kind) => {
  let backend: ProtocolBackend;
  let alice: TestApi;
  let bob: TestApi;
  let open: Conversation[];
  let bobId: string;

  beforeAll(async () => {
    backend = await startProtocolBackend(kind);
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
    bob = await TestApi.signIn(backend.url, 'bob@example.com');
    open = await alice.conversations('?status=open');
    const { agents } = await alice.json<{ agents: { id: string; email: string }[] }>('/api/agents');
    bobId = agents.find((agent) => agent.email === 'bob@example.com')!.id;
  }, 300_000);
  afterAll(() => backend?.stop());

  const post = async (api: TestApi, actions: ActionEnvelope[]) => {
    const response = await api.postActions(actions);
    expect(response.status).toBe(200);
    return ((await response.json()) as Results).results;
  };

  it('posting the same batch twice leaves the database as after the first time', async () => {
    const target = open[0]!;
    const batch = [
      createWorkspaceAction('send', target.id, { text: 'First reply' }),
      createWorkspaceAction('assign', target.id, { assigneeId: bobId }),
      createWorkspaceAction('send', target.id, { text: 'Second reply' }),
      createWorkspaceAction('close', target.id, {}),
    ];
    const first = await post(alice, batch);
    expect(first.map((result) => result.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const afterFirst = await backend.snapshot();

    const second = await post(alice, batch);
    expect(second).toEqual(batch.map((action) => ({ id: action.id, status: 'duplicate' })));
    // A third time, from another agent's session: still nothing.
    expect((await post(bob, batch)).every((result) => result.status === 'duplicate')).toBe(true);
    expect(await backend.snapshot()).toEqual(afterFirst);

    const { conversation, messages } = await alice.conversation(target.id);
    expect(conversation.status).toBe('closed');
    expect(conversation.assigneeId).toBe(bobId);
    expect(conversation.version).toBe(target.version + 4);
    expect(messages.filter((message) => message.body === 'First reply' || message.body === 'Second reply')).toHaveLength(2);
  });

  it("an action in the previous version's shape (its target as conversationId) is still applied, once", async () => {
    const target = open.at(-1)!;
    const { targetId, ...rest } = createWorkspaceAction('send', target.id, { text: 'sent by an outbox not yet upgraded' });
    const legacy = { ...rest, conversationId: targetId };
    for (const expected of ['applied', 'duplicate']) {
      const response = await alice.postActions([legacy as never]);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { results: { status: string }[] }).results[0]!.status).toBe(expected);
    }
    const { messages } = await alice.conversation(target.id);
    expect(messages.filter((message) => message.body === 'sent by an outbox not yet upgraded')).toHaveLength(1);
  });

  it("applies a conversation's actions in the order given", async () => {
    const target = open[1]!;
    const texts = ['one', 'two', 'three', 'four', 'five'].map((word) => `ordered ${word}`);
    const batch = [
      ...texts.slice(0, 3).map((text) => createWorkspaceAction('send', target.id, { text })),
      createWorkspaceAction('close', target.id, {}),
      createWorkspaceAction('reopen', target.id, {}),
      ...texts.slice(3).map((text) => createWorkspaceAction('send', target.id, { text })),
    ];
    const results = await post(alice, batch);
    expect(results.map((result) => result.status)).toEqual(Array(7).fill('applied'));
    const versions = results.map((result) => (result.status === 'applied' ? result.state.version : 0));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    const { conversation, messages } = await alice.conversation(target.id);
    expect(messages.slice(-5).map((message) => message.body)).toEqual(texts);
    expect(conversation.status).toBe('open');
  });

  it('a send becomes a message with the action id, authored by the signed-in agent', async () => {
    const target = open[2]!;
    const action = createWorkspaceAction('send', target.id, { text: '  Hello from the API  ' });
    await post(alice, [action]);
    const { messages, conversation } = await alice.conversation(target.id);
    const message = messages.find((candidate) => candidate.id === action.id)!;
    expect(message).toMatchObject({ authorKind: 'agent', authorName: 'Alice Martin', body: 'Hello from the API' });
    expect(conversation.lastMessagePreview).toBe('Hello from the API');
    expect(conversation.messageCount).toBe(target.messageCount + 1);
  });

  it('assigning a conversation another agent closed meanwhile is a conflict with the current state', async () => {
    const target = open[3]!;
    const seen = target.version;
    const closed = await post(bob, [createWorkspaceAction('close', target.id, {}, { baseVersion: seen })]);
    expect(closed[0]!.status).toBe('applied');
    const before = await backend.snapshot();

    const [result] = await post(alice, [createWorkspaceAction('assign', target.id, { assigneeId: bobId }, { baseVersion: seen })]);
    expect(result).toMatchObject({ status: 'conflict', code: 'closed-meanwhile', state: { id: target.id, status: 'closed', version: seen + 1 } });
    expect(await backend.snapshot()).toEqual(before);

    // Having seen the closed conversation, the same intent is no conflict.
    const [retried] = await post(alice, [createWorkspaceAction('assign', target.id, { assigneeId: bobId }, { baseVersion: seen + 1 })]);
    expect(retried).toMatchObject({ status: 'applied', state: { assigneeId: bobId, version: seen + 2 } });
  });

  it('harmless overlaps apply: a reply after a reassignment, closing what another agent closed', async () => {
    const target = open[4]!;
    const seen = target.version;
    await post(bob, [createWorkspaceAction('assign', target.id, { assigneeId: bobId }, { baseVersion: seen })]);
    const [reply] = await post(alice, [createWorkspaceAction('send', target.id, { text: 'still here' }, { baseVersion: seen })]);
    expect(reply!.status).toBe('applied');
    await post(bob, [createWorkspaceAction('close', target.id, {})]);
    const [close] = await post(alice, [createWorkspaceAction('close', target.id, {}, { baseVersion: seen })]);
    expect(close).toMatchObject({ status: 'applied', noop: true, state: { status: 'closed' } });
  });

  it('a rejected action has no effect and does not stop the rest of its batch', async () => {
    const target = open[5]!;
    const unknownAgent = '00000000-0000-4000-8000-000000000000';
    const poison = createWorkspaceAction('assign', target.id, { assigneeId: unknownAgent });
    const fine = createWorkspaceAction('send', target.id, { text: 'after the poison' });
    const [rejected, applied] = await post(alice, [poison, fine]);
    expect(rejected).toMatchObject({ id: poison.id, status: 'rejected', code: 'unknown-agent' });
    expect(applied).toMatchObject({ id: fine.id, status: 'applied' });
    // The rejected id left no trace: fixed and re-sent with the same id... it is judged again, not a duplicate.
    const [again] = await post(alice, [{ ...poison, payload: { assigneeId: bobId } }]);
    expect(again!.status).toBe('applied');
  });

  it('an id repeated within one batch applies once, and later actions see the state earlier ones left', async () => {
    const target = open[7]!;
    const reply = createWorkspaceAction('send', target.id, { text: 'said once' });
    const close = createWorkspaceAction('close', target.id, {}, { baseVersion: target.version });
    const closeAgain = createWorkspaceAction('close', target.id, {}, { baseVersion: target.version });
    const results = await post(alice, [reply, reply, close, closeAgain]);
    expect(results.map((result) => result.status)).toEqual(['applied', 'duplicate', 'applied', 'applied']);
    expect(results[2]).toMatchObject({ state: { status: 'closed', version: target.version + 2 } });
    expect(results[3]).toMatchObject({ noop: true, state: { status: 'closed', version: target.version + 2 } });
    const { conversation, messages } = await alice.conversation(target.id);
    expect(messages.filter((message) => message.body === 'said once')).toHaveLength(1);
    expect(conversation).toMatchObject({ version: target.version + 2, messageCount: target.messageCount + 1, lastMessagePreview: 'said once' });
  });

  it('the same batch posted concurrently is applied once', async () => {
    const target = open[6]!;
    const batch = Array.from({ length: 20 }, (_, index) => createWorkspaceAction('send', target.id, { text: `concurrent ${index}` }));
    const all = await Promise.all([post(alice, batch), post(alice, batch), post(bob, batch)]);
    for (let index = 0; index < batch.length; index++) {
      const statuses = all.map((results) => results[index]!.status).sort();
      expect(statuses).toEqual(['applied', 'duplicate', 'duplicate']);
    }
    const { messages } = await alice.conversation(target.id);
    expect(messages.filter((message) => message.body.startsWith('concurrent ')).map((message) => message.body)).toEqual(
      batch.map((action) => (action.payload as { text: string }).text),
    );
  });
});
