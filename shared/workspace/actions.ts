import { z } from 'zod';
import { ActionRegistry, storableText, type ActionEnvelope } from 'holdfast/core';
import { workspaceLegacyTargetField } from './legacyTargetField.js';

/**
 * The agent workspace's actions: the first app's registrations with the generic core. Shared by the app,
 * the service worker, the reference server and (later) the offline demo backend.
 */

export const messageMaxLength = 10_000;

export const sendPayload = z.strictObject({
  // Refuses NUL and lone surrogates (PostgreSQL cannot store them) and text with nothing visible in it.
  text: storableText({ max: messageMaxLength, visible: true, name: 'a message' }),
});
export const closePayload = z.strictObject({});
export const reopenPayload = z.strictObject({});
export const assignPayload = z.strictObject({
  assigneeId: z.uuid({ error: 'assigneeId must be an agent id (UUID) or null' }).nullable(),
});

export type WorkspaceActionPayloads = {
  send: z.infer<typeof sendPayload>;
  close: z.infer<typeof closePayload>;
  reopen: z.infer<typeof reopenPayload>;
  assign: z.infer<typeof assignPayload>;
};
export type WorkspaceActionType = keyof WorkspaceActionPayloads;
export { createWorkspaceAction } from './createWorkspaceAction.js';
export type WorkspaceAction = {
  [Type in WorkspaceActionType]: ActionEnvelope<Type, WorkspaceActionPayloads[Type]>;
}[WorkspaceActionType];

export const workspaceActions = new ActionRegistry({ legacyTargetField: workspaceLegacyTargetField })
  .register({ type: 'send', payload: sendPayload, description: 'Append an agent reply to the conversation.' })
  .register({ type: 'close', payload: closePayload, description: 'Close the conversation.' })
  .register({ type: 'reopen', payload: reopenPayload, description: 'Reopen a closed conversation.' })
  .register({ type: 'assign', payload: assignPayload, description: 'Assign the conversation to an agent, or to nobody.' });

