import { specOf, type ChangeSinceBase, type Judgement, type WorkspaceAction } from './definitions/index.js';
import type { ConversationState } from './types.js';

export type { ChangeSinceBase, Judgement } from './definitions/index.js';

/**
 * Which action/state pairs are conflicts (docs/protocol.md, "Conflicts"), by each action's own rule
 * (definitions/). An action carries the conversation version its author saw (`baseVersion`); when the
 * conversation has moved on since, the rule looks at what *other agents* did in between.
 */
export function judgeWorkspaceAction(action: WorkspaceAction, current: ConversationState, othersChangesSinceBase: readonly ChangeSinceBase[]): Judgement {
  return specOf(action).judge(action, current, new Set(othersChangesSinceBase.map((change) => change.kind)));
}
