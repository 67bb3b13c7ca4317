import type { ActionEnvelope } from 'holdfast/core';
import type { Agent, Conversation, WorkspaceAction } from '../../shared/index.js';

/** One line an agent recognises for a queued or failed action: what, and on which conversation. */
export function describeAction(envelope: ActionEnvelope, conversations: Readonly<Record<string, Conversation>>, agents: readonly Agent[]): string {
  const action = envelope as WorkspaceAction;
  const where = conversations[action.targetId]?.customerName ?? 'a conversation';
  switch (action.type) {
    case 'send':
      return `Reply to ${where}: “${action.payload.text.length > 60 ? `${action.payload.text.slice(0, 60)}…` : action.payload.text}”`;
    case 'close':
      return `Close ${where}`;
    case 'reopen':
      return `Reopen ${where}`;
    case 'assign': {
      const assignee = action.payload.assigneeId ? (agents.find((agent) => agent.id === action.payload.assigneeId)?.name ?? 'an agent') : 'nobody';
      return `Assign ${where} to ${assignee}`;
    }
  }
}
