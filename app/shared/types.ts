/** The agent workspace's data, as the reference server sends it and the app shows it. */

type ConversationStatus = 'open' | 'closed';

export type ConversationState = {
  id: string;
  version: number;
  status: ConversationStatus;
  assigneeId: string | null;
};

export type Conversation = ConversationState & {
  subject: string;
  customerName: string;
  customerEmail: string;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string;
  lastMessagePreview: string;
  messageCount: number;
};

export type Attachment = {
  url: string;
  name: string;
  contentType: string;
  width: number;
  height: number;
};

export type Message = {
  id: string;
  conversationId: string;
  authorKind: 'customer' | 'agent';
  authorAgentId: string | null;
  authorName: string;
  body: string;
  attachments: Attachment[];
  createdAt: string;
};

export type Agent = { id: string; name: string; email: string };

export type CannedReply = { id: string; title: string; body: string };

/** What a conversation's history records for each change; conflict rules read it. */
export type ConversationChangeKind = 'message' | 'close' | 'reopen' | 'assign';
