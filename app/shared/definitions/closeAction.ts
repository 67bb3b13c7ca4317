import { foldToggle, type WorkspaceActionSpec } from './WorkspaceActionSpec.js';

export type ClosePayload = Record<string, never>;

export const closeAction: WorkspaceActionSpec<'close', ClosePayload> = {
  type: 'close',
  description: 'Close the conversation.',
  payload: ({ z }) => z.strictObject({}) as never,
  compact: (earlier, later) => foldToggle(earlier, later, 'reopen'),
  applyTo: (conversation) => ({ ...conversation, status: 'closed' }),
  judge: (_action, current, others) => {
    if (current.status === 'closed') return { outcome: 'noop', reason: 'already closed' };
    if (others.has('reopen'))
      return { outcome: 'conflict', code: 'reopened-meanwhile', message: 'Another agent reopened this conversation after you last saw it.' };
    if (others.has('assign'))
      return { outcome: 'conflict', code: 'reassigned-meanwhile', message: 'Another agent reassigned this conversation after you last saw it.' };
    return { outcome: 'apply' };
  },
};
