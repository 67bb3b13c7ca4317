import type { Attachment, Conversation, ConversationState, Message } from '../shared/index.js';
import type { MediaSigner } from './MediaSigner.js';

/** SQL column lists and row → wire mappings for the workspace's tables, in one place. */
export const conversationColumns = `id, subject, customer_name, customer_email, status, assignee_id, version,
  message_count, last_message_at, last_message_preview, created_at, updated_at, change_seq`;

export const messageColumns = `id, conversation_id, author_kind, author_agent_id, author_name, body, attachments,
  created_at, change_seq, position`;

type Row = Record<string, unknown>;
const iso = (value: unknown) => new Date(value as string | Date).toISOString();

export function toConversationState(row: Row): ConversationState {
  return {
    id: row.id as string,
    version: Number(row.version),
    status: row.status as ConversationState['status'],
    assigneeId: (row.assignee_id as string | null) ?? null,
  };
}

export function toConversation(row: Row): Conversation {
  return {
    ...toConversationState(row),
    subject: row.subject as string,
    customerName: row.customer_name as string,
    customerEmail: row.customer_email as string,
    messageCount: Number(row.message_count),
    lastMessageAt: iso(row.last_message_at),
    lastMessagePreview: row.last_message_preview as string,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

type StoredAttachment = { mediaId: string; name: string; contentType: string; width: number; height: number };

export function toMessage(row: Row, tenantId: string, signer: Pick<MediaSigner, 'url'>): Message {
  const stored = (typeof row.attachments === 'string' ? JSON.parse(row.attachments) : row.attachments) as StoredAttachment[];
  return {
    id: row.id as string,
    conversationId: row.conversation_id as string,
    authorKind: row.author_kind as Message['authorKind'],
    authorAgentId: (row.author_agent_id as string | null) ?? null,
    authorName: row.author_name as string,
    body: row.body as string,
    attachments: stored.map(
      (attachment): Attachment => ({
        url: signer.url(tenantId, attachment.mediaId),
        name: attachment.name,
        contentType: attachment.contentType,
        width: attachment.width,
        height: attachment.height,
      }),
    ),
    createdAt: iso(row.created_at),
  };
}
