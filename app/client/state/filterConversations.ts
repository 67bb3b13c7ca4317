import type { Conversation } from '../../shared/index.js';

export type InboxFilter = {
  view: 'mine' | 'unassigned' | 'all';
  status: 'open' | 'closed';
  query: string;
};

/** The inbox rows for a filter, newest activity first. Pure, so it is easy to test and to memoise. */
export function filterConversations<Row extends Conversation>(all: Readonly<Record<string, Row>>, filter: InboxFilter, agentId: string): Row[] {
  const query = filter.query.trim().toLowerCase();
  return (
    Object.values(all)
      .filter((conversation) => conversation.status === filter.status)
      .filter((conversation) =>
        filter.view === 'mine' ? conversation.assigneeId === agentId : filter.view === 'unassigned' ? conversation.assigneeId === null : true,
      )
      .filter((conversation) => !query || conversation.customerName.toLowerCase().includes(query) || conversation.customerEmail.toLowerCase().includes(query))
      // ISO-8601 UTC strings order as their times; plain comparison is far cheaper than localeCompare on 10,000 rows.
      .sort((a, b) => compare(b.lastMessageAt, a.lastMessageAt) || compare(a.id, b.id))
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
