import type { WorkspaceActionSpec } from './WorkspaceActionSpec.js';

const messageMaxLength = 10_000;
export type SendPayload = { text: string };

/** A reply. Never compacted (every message is content the agent wrote) and never in conflict: messages only append. */
export const sendAction: WorkspaceActionSpec<'send', SendPayload> = {
  type: 'send',
  description: 'Append an agent reply to the conversation.',
  // Refuses NUL and lone surrogates (PostgreSQL cannot store them) and text with nothing visible in it.
  payload: ({ z, storableText }) => z.strictObject({ text: storableText({ max: messageMaxLength, visible: true, name: 'a message' }) }),
  // No messageCount bump: a confirmed reply may already be counted by the server's copy.
  applyTo: (conversation, action) =>
    action.createdAt > conversation.lastMessageAt
      ? { ...conversation, lastMessageAt: action.createdAt, lastMessagePreview: action.payload.text.slice(0, 140) }
      : conversation,
  judge: () => ({ outcome: 'apply' }),
};
