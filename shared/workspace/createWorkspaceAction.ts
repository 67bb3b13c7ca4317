import { newActionId } from '../core/actionId.js';
import type { ActionEnvelope } from '../core/protocol.js';
import type { WorkspaceActionPayloads, WorkspaceActionType } from './actions.js';

// Apart from actions.ts so a page can build actions without loading the validation schemas (zod).
/** Builds an action the way the UI does: a fresh sortable id, the time of the click, the version seen. */
export function createWorkspaceAction<Type extends WorkspaceActionType>(
  type: Type,
  conversationId: string,
  payload: WorkspaceActionPayloads[Type],
  options: { baseVersion?: number; now?: () => Date } = {},
): ActionEnvelope<Type, WorkspaceActionPayloads[Type]> {
  const createdAt = (options.now?.() ?? new Date()).toISOString();
  const action: ActionEnvelope<Type, WorkspaceActionPayloads[Type]> = {
    id: newActionId(),
    type,
    conversationId,
    payload,
    createdAt,
  };
  if (options.baseVersion !== undefined) action.baseVersion = options.baseVersion;
  return action;
}
