import type { ConversationChangeKind, ConversationState } from './types.js';
import type { WorkspaceAction } from './actions.js';

/**
 * Which action/state pairs are conflicts (docs/protocol.md, "Conflicts"). Pure, so the server, the tests
 * and the offline demo judge alike.
 *
 * An action carries the conversation version its author saw (`baseVersion`). When the conversation has
 * moved on since, the rules below look at what *other agents* did in between. Only a change that defeats
 * the author's intent is a conflict; everything else applies (possibly as a no-op).
 */

export type ChangeSinceBase = { kind: ConversationChangeKind; assigneeId?: string | null };

export type Judgement =
  | { outcome: 'apply' }
  | { outcome: 'noop'; reason: string }
  | { outcome: 'conflict'; code: 'closed-meanwhile' | 'reassigned-meanwhile' | 'reopened-meanwhile'; message: string };

export function judgeWorkspaceAction(
  action: WorkspaceAction,
  current: ConversationState,
  othersChangesSinceBase: readonly ChangeSinceBase[],
): Judgement {
  const others = new Set(othersChangesSinceBase.map((change) => change.kind));
  switch (action.type) {
    case 'send':
      // Messages only append: a reply never undoes anybody's work.
      return { outcome: 'apply' };
    case 'close':
      if (current.status === 'closed') return { outcome: 'noop', reason: 'already closed' };
      if (others.has('reopen'))
        return { outcome: 'conflict', code: 'reopened-meanwhile', message: 'Another agent reopened this conversation after you last saw it.' };
      if (others.has('assign'))
        return { outcome: 'conflict', code: 'reassigned-meanwhile', message: 'Another agent reassigned this conversation after you last saw it.' };
      return { outcome: 'apply' };
    case 'reopen':
      // Reopening is what an agent does on purpose to a closed ticket; whoever closed it, reopen wins.
      if (current.status === 'open') return { outcome: 'noop', reason: 'already open' };
      return { outcome: 'apply' };
    case 'assign':
      if (current.assigneeId === action.payload.assigneeId) return { outcome: 'noop', reason: 'already assigned so' };
      if (current.status === 'closed' && others.has('close'))
        return { outcome: 'conflict', code: 'closed-meanwhile', message: 'Another agent closed this conversation after you last saw it.' };
      if (others.has('assign'))
        return { outcome: 'conflict', code: 'reassigned-meanwhile', message: 'Another agent reassigned this conversation after you last saw it.' };
      return { outcome: 'apply' };
  }
}
