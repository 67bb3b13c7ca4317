import type { ActionEnvelope } from '../core/protocol.js';
import type { WorkspaceAction } from './actions.js';
import type { Agent, Conversation, Message } from './types.js';

/**
 * What the agent sees: the server's state (the local store) with their still-pending actions applied on
 * top. Pure, so it is tested without a browser. The local store itself only ever holds server state, so
 * when the server confirms (or refuses) an action, dropping it from the outbox is all the undoing needed.
 */
export type PendingMessage = Message & { pending: true };
export type ConversationView = Conversation & { pendingActions: number };

/** `pending` in queue order, all for this conversation. */
export function conversationWithPending(conversation: Conversation, pending: readonly ActionEnvelope[]): ConversationView {
  let view: Conversation = conversation;
  for (const envelope of pending) {
    const action = envelope as WorkspaceAction;
    if (action.type === 'close') view = { ...view, status: 'closed' };
    if (action.type === 'reopen') view = { ...view, status: 'open' };
    if (action.type === 'assign') view = { ...view, assigneeId: action.payload.assigneeId };
    if (action.type === 'send') {
      view = { ...view, lastMessageAt: action.createdAt, lastMessagePreview: action.payload.text.slice(0, 140), messageCount: view.messageCount + 1 };
    }
  }
  return { ...view, pendingActions: pending.length };
}

/**
 * The conversation's messages with pending replies after them. A reply the server has already stored
 * (same id: the message takes its action's id) is shown once, as the server's.
 */
export function messagesWithPending(messages: readonly Message[], pending: readonly ActionEnvelope[], me: Agent): readonly (Message | PendingMessage)[] {
  const stored = new Set(messages.map((message) => message.id));
  const replies: PendingMessage[] = [];
  for (const envelope of pending) {
    const action = envelope as WorkspaceAction;
    if (action.type !== 'send' || stored.has(action.id)) continue;
    replies.push({
      id: action.id,
      conversationId: action.conversationId,
      authorKind: 'agent',
      authorAgentId: me.id,
      authorName: me.name,
      body: action.payload.text,
      attachments: [],
      createdAt: action.createdAt,
      pending: true,
    });
  }
  return replies.length === 0 ? messages : [...messages, ...replies];
}
