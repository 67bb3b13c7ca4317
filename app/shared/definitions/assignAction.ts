import type { WorkspaceActionSpec } from './WorkspaceActionSpec.js';

export type AssignPayload = { assigneeId: string | null };

export const assignAction: WorkspaceActionSpec<'assign', AssignPayload> = {
  type: 'assign',
  description: 'Assign the conversation to an agent, or to nobody.',
  payload: ({ z }) => z.strictObject({ assigneeId: z.uuid({ error: 'assigneeId must be an agent id (UUID) or null' }).nullable() }),
  // Assign X, then assign Y: only the second goes, the last choice is the intent.
  compact: (_earlier, later) => (later.type === 'assign' ? 'drop-earlier' : 'keep-both'),
  applyTo: (conversation, action) => ({ ...conversation, assigneeId: action.payload.assigneeId }),
  judge: (action, current, others) => {
    if (current.assigneeId === action.payload.assigneeId) return { outcome: 'noop', reason: 'already assigned so' };
    if (current.status === 'closed' && others.has('close'))
      return { outcome: 'conflict', code: 'closed-meanwhile', message: 'Another agent closed this conversation after you last saw it.' };
    if (others.has('assign'))
      return { outcome: 'conflict', code: 'reassigned-meanwhile', message: 'Another agent reassigned this conversation after you last saw it.' };
    return { outcome: 'apply' };
  },
};
