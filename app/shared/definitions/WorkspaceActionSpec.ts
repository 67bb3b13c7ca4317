import type { ActionEnvelope, ActionSpec } from 'holdfast/envelope';
import type { Conversation, ConversationChangeKind, ConversationState } from '../types.js';

/** What a conflict rule decides (docs/protocol.md, "Conflicts"). */
export type Judgement =
  | { outcome: 'apply' }
  | { outcome: 'noop'; reason: string }
  | { outcome: 'conflict'; code: 'closed-meanwhile' | 'reassigned-meanwhile' | 'reopened-meanwhile'; message: string };

/** One change other agents made since the version an action's author saw. */
export type ChangeSinceBase = { kind: ConversationChangeKind; assigneeId?: string | null };

/**
 * A workspace action, defined once (the framework's ActionSpec: payload schema, compaction) with what the
 * workspace adds: how the agent sees it before the server confirms, and when it conflicts.
 */
export type WorkspaceActionSpec<Type extends string, Payload> = ActionSpec<Type, Payload> & {
  /** Optimistic: the conversation as the agent sees it with this action applied (the target is a conversation). */
  applyTo: (conversation: Conversation, action: ActionEnvelope<Type, Payload>) => Conversation;
  /**
   * Conflict rule, pure, so the server, the tests and the offline demo judge alike: against the
   * conversation's current state and the kinds of change *other agents* made since the author's version.
   * Only a change that defeats the author's intent is a conflict; everything else applies (maybe as a no-op).
   */
  judge: (action: ActionEnvelope<Type, Payload>, current: ConversationState, others: ReadonlySet<ConversationChangeKind>) => Judgement;
};

/**
 * Close then reopen, or reopen then close: neither goes if both were made against the same version (no
 * server change arrived between them, so the net effect is nothing); made against different versions,
 * both go and the server judges them. Shared by close and reopen.
 */
export function foldToggle(earlier: ActionEnvelope, later: ActionEnvelope, opposite: string): 'drop-both' | 'drop-later' | 'keep-both' {
  if (later.type === opposite) return earlier.baseVersion !== undefined && earlier.baseVersion === later.baseVersion ? 'drop-both' : 'keep-both';
  // The same again is a repeat of the first.
  if (later.type === earlier.type) return 'drop-later';
  return 'keep-both';
}
