// The workspace's actions, one file each: payload schema, compaction, optimistic apply, conflict rule.
import type { ActionEnvelope } from 'holdfast/envelope';
import { assignAction, type AssignPayload } from './assignAction.js';
import { closeAction, type ClosePayload } from './closeAction.js';
import { reopenAction, type ReopenPayload } from './reopenAction.js';
import { sendAction, type SendPayload } from './sendAction.js';
import type { WorkspaceActionSpec } from './WorkspaceActionSpec.js';

export { sendAction };
export type { Judgement, ChangeSinceBase, WorkspaceActionSpec } from './WorkspaceActionSpec.js';

export type WorkspaceActionPayloads = { send: SendPayload; close: ClosePayload; reopen: ReopenPayload; assign: AssignPayload };
export type WorkspaceActionType = keyof WorkspaceActionPayloads;
export type WorkspaceAction = { [Type in WorkspaceActionType]: ActionEnvelope<Type, WorkspaceActionPayloads[Type]> }[WorkspaceActionType];

export const workspaceActionSpecs = [sendAction, closeAction, reopenAction, assignAction] as const;

/** The definition of `action`'s type. */
export function specOf(action: WorkspaceAction): WorkspaceActionSpec<string, unknown> {
  return workspaceActionSpecs.find((spec) => spec.type === action.type)! as unknown as WorkspaceActionSpec<string, unknown>;
}
