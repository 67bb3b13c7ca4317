import type { TargetOverlay } from 'holdfast/client';
import {
  conversationWithPending,
  messagesWithPending,
  type Agent,
  type Conversation,
  type ConversationView,
  type Message,
  type PendingMessage,
} from '../../shared/client.js';

/** What the local store and sync hold: the server's word, before the outbox is drawn over it. */
export type ServerState = { conversations: Readonly<Record<string, Conversation>>; messages: Readonly<Record<string, readonly Message[]>> };

/** What the screens show: the server's state with the agent's queued (and applied, not yet synced) actions drawn over it. */
export type WorkspaceView = {
  conversations: Readonly<Record<string, ConversationView>>;
  messages: Readonly<Record<string, readonly (Message | PendingMessage)[]>>;
};

/**
 * The screen's state, derived: pure, so it is tested alone. Only conversations with something drawn over
 * them are copied; the rest are the server state's own objects (selectors compare by identity).
 */
export function workspaceView(server: ServerState, overlays: ReadonlyMap<string, TargetOverlay>, me: Agent): WorkspaceView {
  let conversations = server.conversations as Record<string, ConversationView>;
  let messages = server.messages as Record<string, readonly (Message | PendingMessage)[]>;
  if (overlays.size === 0) return { conversations, messages };
  conversations = { ...conversations };
  messages = { ...messages };
  for (const [id, { pending, confirmed }] of overlays) {
    const conversation = server.conversations[id];
    if (conversation) conversations[id] = conversationWithPending(conversation, pending, confirmed);
    const loaded = server.messages[id];
    if (loaded) messages[id] = messagesWithPending(loaded, pending, me, confirmed);
  }
  return { conversations, messages };
}
