import { newActionId, normalizeText, type ActionEnvelope } from 'holdfast/envelope';
import type { WorkspaceActionPayloads, WorkspaceActionType } from './definitions/index.js';

// Apart from actions.ts so a page can build actions without loading the validation schemas (zod).
/**
 * Builds an action the way the UI does: a fresh sortable id, the time of the click, the version seen.
 * Text an agent pasted is made storable first (a NUL dropped, a lone surrogate replaced): the server
 * refuses such text, and the agent meant what they see, not the invisible character.
 */
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
    targetId: conversationId,
    payload: cleanPayload(type, payload),
    createdAt,
  };
  if (options.baseVersion !== undefined) action.baseVersion = options.baseVersion;
  return action;
}

function cleanPayload<Type extends WorkspaceActionType>(type: Type, payload: WorkspaceActionPayloads[Type]): WorkspaceActionPayloads[Type] {
  if (type !== 'send') return payload;
  const { text } = payload as WorkspaceActionPayloads['send'];
  return { ...payload, text: normalizeText(text) };
}

/**
 * A conflict resolved in the agent's favour: the same intent as a new action, made against the state the
 * server reported with the conflict (else `knownVersion`, the page's), so the server applies it instead of
 * finding the same conflict again.
 */
export function againstServerState(failed: { action: ActionEnvelope; state?: unknown }, knownVersion: number | undefined): ActionEnvelope {
  const { action } = failed;
  const reported = (failed.state as { version?: number } | undefined)?.version;
  return createWorkspaceAction(action.type as WorkspaceActionType, action.targetId, action.payload as never, { baseVersion: reported ?? knownVersion });
}
