import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type RefObject } from 'react';
import { Link } from 'react-router';
import type { Agent } from '../../shared/index.js';
import type { ConversationView } from '../../shared/client.js';
import type { InboxFilter } from '../state/filterConversations.js';
import { formatShort } from './formatTime.js';

type Props = {
  conversations: ConversationView[];
  agents: readonly Agent[];
  selectedId: string | undefined;
  filter: InboxFilter;
  onFilter: (filter: InboxFilter) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  loaded: boolean;
};

const rowHeight = 76;

/** Filters, search and the conversation list, virtualized so 10,000 rows cost what 20 do. */
export function InboxPane({ conversations, agents, selectedId, filter, onFilter, searchRef, loaded }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: conversations.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const selectedIndex = conversations.findIndex((conversation) => conversation.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);
  const agentName = (id: string | null) => (id ? (agents.find((agent) => agent.id === id)?.name ?? 'Someone') : 'Unassigned');

  return (
    <nav className="inbox" aria-label="Inbox">
      <div className="filters">
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form's fieldset (whose border and padding are not wanted) */}
        <div role="group" aria-label="Assignee" className="segmented">
          {(['mine', 'unassigned', 'all'] as const).map((view) => (
            <button key={view} type="button" aria-pressed={filter.view === view} onClick={() => onFilter({ ...filter, view })}>
              {view === 'mine' ? 'Mine' : view === 'unassigned' ? 'Unassigned' : 'All'}
            </button>
          ))}
        </div>
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, as above */}
        <div role="group" aria-label="Status" className="segmented">
          {(['open', 'closed'] as const).map((status) => (
            <button key={status} type="button" aria-pressed={filter.status === status} onClick={() => onFilter({ ...filter, status })}>
              {status === 'open' ? 'Open' : 'Closed'}
            </button>
          ))}
        </div>
        <input
          ref={searchRef}
          type="search"
          aria-label="Search customers"
          placeholder="Search customers ( / )"
          value={filter.query}
          onChange={(event) => onFilter({ ...filter, query: event.target.value })}
        />
        <p className="muted small" aria-live="polite">
          {loaded ? `${conversations.length} conversation${conversations.length === 1 ? '' : 's'}` : 'Loading…'}
        </p>
      </div>
      <div ref={scrollRef} className="inbox-scroll" data-testid="inbox-scroll">
        {/* biome-ignore lint/a11y/noRedundantRoles: Safari drops a list's role once its bullets are styled away; said again on purpose */}
        <ul role="list" className="inbox-list" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const conversation = conversations[item.index]!;
            return (
              <li key={conversation.id} className="inbox-row" style={{ transform: `translateY(${item.start}px)`, height: rowHeight }}>
                <Link to={`/conversations/${conversation.id}`} aria-current={conversation.id === selectedId ? 'page' : undefined}>
                  {/* The row's name is its visible text (WCAG 2.5.3, label in name): a speech-input user says what they see. */}
                  <span className="row-top">
                    <strong>{conversation.customerName}</strong>
                    {conversation.pendingActions > 0 && <span className="pending-badge">{conversation.pendingActions} pending</span>}
                    <time dateTime={conversation.lastMessageAt}>{formatShort(conversation.lastMessageAt)}</time>
                  </span>
                  <span className="row-subject">{conversation.subject}</span>
                  <span className="row-meta">
                    {agentName(conversation.assigneeId)} · {conversation.lastMessagePreview}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
    </nav>
  );
}
