import { compactionRuleOf } from 'holdfast/envelope';
import { workspaceActionSpecs } from './definitions/index.js';

/**
 * Which of the workspace's queued actions make others superfluous (docs/outbox.md, "Compaction"), from
 * each action's own rule (definitions/). The core only offers it pairs on one conversation with nothing
 * queued between them, neither held for undo.
 */
export const compactWorkspaceActions = compactionRuleOf(workspaceActionSpecs);
