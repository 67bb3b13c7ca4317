import type { ActionEnvelope } from 'holdfast/envelope';
import { specOf, type WorkspaceAction } from './definitions/index.js';
import type { Agent, Conversation, Message } from './types.js';

/**
 * What the agent sees: the server's state (the local store) with their still-pending actions applied on
 * top. Pure, so it is tested without a browser. The local store itself only ever holds server state, so
 * when the server confirms (or refuses) an action, dropping it from the outbox is all the undoing needed.
 */
export type PendingMessage = Message & { pending: true };
export type ConversationView = Conversation & { pendingActions: number };

/**
 * `pending` in queue order, all for this conversation; `confirmed`: actions the server has applied whose
 * result has not reached the local store yet (shown as done, so nothing flickers back meanwhile).
 */
export function conversationWithPending(
  conversation: Conversation,
  pending: readonly ActionEnvelope[],
  confirmed: readonly ActionEnvelope[] = [],
): ConversationView {
  let view: Conversation = conversation;
  for (const envelope of [...confirmed, ...pending]) {
    const action = envelope as WorkspaceAction;
    view = specOf(action).applyTo(view, action);
  }
  return { ...view, pendingActions: pending.length };
}

/**
 * The conversation's messages with pending replies after them. A reply the server has already stored
 * (same id: the message takes its action's id) is shown once, as the server's.
 */
export function messagesWithPending(
  messages: readonly Message[],
  pending: readonly ActionEnvelope[],
  me: Agent,
  confirmed: readonly ActionEnvelope[] = [],
): readonly (Message | PendingMessage)[] {
  const stored = new Set(messages.map((message) => message.id));
  const replies: (Message | PendingMessage)[] = [];
  const isPending = new Set(pending.map((action) => action.id));
  for (const envelope of [...confirmed, ...pending]) {
    const action = envelope as WorkspaceAction;
    if (action.type !== 'send' || stored.has(action.id)) continue;
    const reply: Message = {
      id: action.id,
      conversationId: action.targetId,
      authorKind: 'agent',
      authorAgentId: me.id,
      authorName: me.name,
      body: action.payload.text,
      attachments: [],
      createdAt: action.createdAt,
    };
    replies.push(isPending.has(action.id) ? { ...reply, pending: true } : reply);
  }
  return replies.length === 0 ? messages : [...messages, ...replies];
}
