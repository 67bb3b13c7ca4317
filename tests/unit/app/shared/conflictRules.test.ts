import { describe, expect, it } from 'vitest';
import {
  createWorkspaceAction,
  judgeWorkspaceAction,
  type ChangeSinceBase,
  type ConversationState,
  type WorkspaceAction,
} from '../../../../app/shared/index.js';

const id = '3f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b';
const alice = '11111111-1111-4111-8111-111111111111';
const bob = '22222222-2222-4222-8222-222222222222';
const state = (patch: Partial<ConversationState> = {}): ConversationState => ({ id, version: 5, status: 'open', assigneeId: null, ...patch });
const changes = (...kinds: ChangeSinceBase['kind'][]) => kinds.map((kind) => ({ kind }));
const action = (type: WorkspaceAction['type'], payload: object = {}) =>
  createWorkspaceAction(type, id, payload as never, { baseVersion: 3 }) as WorkspaceAction;

describe('conflict rules (docs/protocol.md)', () => {
  it.each([
    [
      'assign after another agent closed it',
      action('assign', { assigneeId: bob }),
      state({ status: 'closed' }),
      changes('close'),
      'conflict',
      'closed-meanwhile',
    ],
    [
      'assign after another agent reassigned it',
      action('assign', { assigneeId: bob }),
      state({ assigneeId: alice }),
      changes('assign'),
      'conflict',
      'reassigned-meanwhile',
    ],
    [
      'assign to whom it already has',
      action('assign', { assigneeId: bob }),
      state({ assigneeId: bob, status: 'closed' }),
      changes('close', 'assign'),
      'noop',
      undefined,
    ],
    ['assign after only replies', action('assign', { assigneeId: bob }), state(), changes('message', 'message'), 'apply', undefined],
    ['assign on a closed ticket nobody closed since', action('assign', { assigneeId: bob }), state({ status: 'closed' }), [], 'apply', undefined],
    ['close after another agent reopened it', action('close'), state(), changes('close', 'reopen'), 'conflict', 'reopened-meanwhile'],
    ['close after another agent reassigned it', action('close'), state({ assigneeId: bob }), changes('assign'), 'conflict', 'reassigned-meanwhile'],
    ['close what another agent already closed', action('close'), state({ status: 'closed' }), changes('close'), 'noop', undefined],
    ['close after only replies', action('close'), state(), changes('message'), 'apply', undefined],
    ['reopen whatever happened', action('reopen'), state({ status: 'closed' }), changes('reopen', 'close', 'assign'), 'apply', undefined],
    ['reopen what is open', action('reopen'), state(), changes('reopen'), 'noop', undefined],
    ['send whatever happened', action('send', { text: 'hi' }), state({ status: 'closed' }), changes('close', 'assign', 'reopen'), 'apply', undefined],
  ] as const)('%s', (_name, candidate, current, since, outcome, code) => {
    const judgement = judgeWorkspaceAction(candidate, current, since);
    expect(judgement.outcome).toBe(outcome);
    if (code) expect(judgement).toMatchObject({ code });
  });
});
