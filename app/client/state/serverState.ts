import type { Agent, Conversation, ConversationState } from '../../shared/client.js';

/**
 * How server state is merged into what the workspace holds: pure functions, apart from the store that
 * calls them. Newer versions win everywhere, so answers and events that cross on the wire cannot roll
 * anything back.
 */

export const sortAgents = (agents: Agent[]) => [...agents].sort((a, b) => a.name.localeCompare(b.name));

export const isConversationState = (state: unknown): state is ConversationState =>
  typeof state === 'object' &&
  state !== null &&
  typeof (state as ConversationState).id === 'string' &&
  typeof (state as ConversationState).version === 'number';

/** Conversations with the state the server answered for an action; only a newer version changes one. */
export function withServerStates(current: Readonly<Record<string, Conversation>>, states: readonly ConversationState[]) {
  const next = { ...current };
  let changed = false;
  for (const state of states) {
    const existing = next[state.id];
    if (existing && existing.version < state.version) {
      next[state.id] = { ...existing, version: state.version, status: state.status, assigneeId: state.assigneeId };
      changed = true;
    }
  }
  return changed ? next : current;
}

/** Newer versions win, so an event and a response that cross on the wire cannot roll a conversation back. */
export function mergeConversations(current: Readonly<Record<string, Conversation>>, incoming: readonly Conversation[]) {
  if (incoming.length === 0) return current;
  const next = { ...current };
  for (const conversation of incoming) {
    const existing = next[conversation.id];
    if (!existing || existing.version <= conversation.version) next[conversation.id] = conversation;
  }
  return next;
}
