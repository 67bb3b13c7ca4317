import type { Conversation } from '../../shared/workspace/index.js';

export type InboxFilter = {
  view: 'mine' | 'unassigned' | 'all';
  status: 'open' | 'closed';
  query: string;
};

/** The inbox rows for a filter, newest activity first. Pure, so it is easy to test and to memoise. */
export function filterConversations(all: Readonly<Record<string, Conversation>>, filter: InboxFilter, agentId: string): Conversation[] {
  const query = filter.query.trim().toLowerCase();
  return Object.values(all)
    .filter((conversation) => conversation.status === filter.status)
    .filter((conversation) =>
      filter.view === 'mine' ? conversation.assigneeId === agentId : filter.view === 'unassigned' ? conversation.assigneeId === null : true,
    )
    .filter(
      (conversation) =>
        !query || conversation.customerName.toLowerCase().includes(query) || conversation.customerEmail.toLowerCase().includes(query),
    )
    .sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt) || a.id.localeCompare(b.id));
}
