import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionRegistry } from 'holdfast/core';
import { HoldfastError, newActionId } from 'holdfast/client';
import { createWorkspaceAction, workspaceActions } from '../../../../app/shared/index.js';

describe('the action registry', () => {
  const conversationId = '3f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b';

  it('accepts each workspace action the UI builds', () => {
    for (const action of [
      createWorkspaceAction('send', conversationId, { text: 'hello' }),
      createWorkspaceAction('close', conversationId, {}),
      createWorkspaceAction('reopen', conversationId, {}, { baseVersion: 3 }),
      createWorkspaceAction('assign', conversationId, { assigneeId: null }),
    ]) {
      expect(workspaceActions.parse(action)).toEqual(action);
    }
  });

  it('names an unknown type with its own code', () => {
    const error = (() => {
      try {
        workspaceActions.parse({ ...createWorkspaceAction('close', conversationId, {}), type: 'archive' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(HoldfastError);
    expect((error as HoldfastError).code).toBe('unknown-action-type');
  });

  it("refuses a payload that does not fit its type's schema", () => {
    expect(() => workspaceActions.parse({ ...createWorkspaceAction('send', conversationId, { text: 'x' }), payload: { body: 'x' } })).toThrow(
      expect.objectContaining({ code: 'invalid-action' }),
    );
  });

  it('refuses to register a type twice', () => {
    const registry = new ActionRegistry().register({ type: 'ping', payload: z.strictObject({}), description: 'ping' });
    expect(() => registry.register({ type: 'ping', payload: z.strictObject({}), description: 'again' })).toThrow(
      expect.objectContaining({ code: 'duplicate-action-type' }),
    );
  });

  it('lets another app register its own actions, unknown to the workspace', () => {
    const notes = new ActionRegistry().register({ type: 'note.add', payload: z.strictObject({ text: z.string() }), description: 'Add a note.' });
    const action = { id: newActionId(), type: 'note.add', targetId: conversationId, payload: { text: 'hi' }, createdAt: new Date().toISOString() };
    expect(notes.parse(action)).toEqual(action);
    expect(() => workspaceActions.parse(action)).toThrow(expect.objectContaining({ code: 'unknown-action-type' }));
  });

  it('bounds the batch size', () => {
    const schema = workspaceActions.batchSchema(2);
    const action = () => createWorkspaceAction('close', conversationId, {});
    expect(schema.safeParse({ actions: [action(), action()] }).success).toBe(true);
    expect(schema.safeParse({ actions: [action(), action(), action()] }).success).toBe(false);
    expect(schema.safeParse({ actions: [] }).success).toBe(false);
  });
});

describe('action ids', () => {
  it('are unique and sort in creation order', () => {
    const ids = Array.from({ length: 2000 }, () => newActionId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
