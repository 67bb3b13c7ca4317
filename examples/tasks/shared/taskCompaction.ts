import { compactionRuleOf } from 'holdfast/envelope';
import { taskActionSpecs } from './taskActions.js';

/** The outbox's compaction rule for the task list, from each action's own (page and worker use it alike). */
export const compactTaskActions = compactionRuleOf(taskActionSpecs);
