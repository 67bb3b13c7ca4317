import { foldToggle, type WorkspaceActionSpec } from './WorkspaceActionSpec.js';

export type ReopenPayload = Record<string, never>;

export const reopenAction: WorkspaceActionSpec<'reopen', ReopenPayload> = {
  type: 'reopen',
  description: 'Reopen a closed conversation.',
  payload: ({ z }) => z.strictObject({}) as never,
  compact: (earlier, later) => foldToggle(earlier, later, 'close'),
  applyTo: (conversation) => ({ ...conversation, status: 'open' }),
  // Reopening is what an agent does on purpose to a closed ticket; whoever closed it, reopen wins.
  judge: (_action, current) => (current.status === 'open' ? { outcome: 'noop', reason: 'already open' } : { outcome: 'apply' }),
};
