import type { ActionEnvelope, CompactionVerdict } from 'holdfast/envelope';

/**
 * Which of the workspace's queued actions make others superfluous (docs/outbox.md, "Compaction"). The core
 * only offers it pairs on one conversation with nothing queued between them, neither held for undo.
 *
 * - assign X, then assign Y → only the second goes: the last choice is the intent.
 * - close, then reopen (or reopen, then close) → neither goes, if both were made against the same
 *   conversation version: no server change arrived between them, so the agent's net effect is nothing.
 *   Made against different versions (someone else changed it between), both go: the server judges them.
 * - close, close / reopen, reopen → the second is a repeat of the first.
 * - send → never compacted: every message is content the agent wrote.
 */
export function compactWorkspaceActions(earlier: ActionEnvelope, later: ActionEnvelope): CompactionVerdict {
  if (earlier.type === 'assign' && later.type === 'assign') return 'drop-earlier';
  const toggles = (earlier.type === 'close' && later.type === 'reopen') || (earlier.type === 'reopen' && later.type === 'close');
  if (toggles) return earlier.baseVersion !== undefined && earlier.baseVersion === later.baseVersion ? 'drop-both' : 'keep-both';
  if ((earlier.type === 'close' || earlier.type === 'reopen') && later.type === earlier.type) return 'drop-later';
  return 'keep-both';
}
