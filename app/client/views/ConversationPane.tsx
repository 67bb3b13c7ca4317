import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { Attachment } from '../../shared/index.js';
import type { Agent, Message } from '../../shared/index.js';
import type { PendingMessage } from '../../shared/client.js';
import { isHeld } from 'holdfast/client';
import { useWorkspace, useWorkspaceStore } from '../state/useWorkspace.js';
import customerAvatarUrl from '../assets/customer-avatar.svg';
import { UndoBar } from './UndoBar.js';
import { UndoWindowSetting } from './UndoWindowSetting.js';
import { Composer } from './Composer.js';
import { PresenceLine } from './PresenceLine.js';
import { usePresence } from '../hooks/usePresence.js';
import type { ThreadState } from '../state/ThreadCatchUp.js';
import { isDemo, resolveMedia } from '../../demo/demoMode.js';
import { formatDateTime } from './formatTime.js';

const noMessages: readonly Message[] = [];
const isPending = (message: Message | PendingMessage) => 'pending' in message && message.pending;

/** One conversation: its state, its controls (assign, close/reopen), its messages and the composer. */
export function ConversationPane({ id, me, composerRef }: { id: string; me: Agent; composerRef: RefObject<HTMLTextAreaElement | null> }) {
  const store = useWorkspaceStore();
  const conversation = useWorkspace((state) => state.conversations[id]);
  const messages = useWorkspace((state) => state.messages[id]);
  const agents = useWorkspace((state) => state.agents);
  const cannedReplies = useWorkspace((state) => state.cannedReplies);
  const [undoable, setUndoable] = useState<{ id: string; text: string } | null>(null);
  const [restore, setRestore] = useState<{ text: string; key: number } | null>(null);
  // Until when the last reply is held for Undo (null: sent, taken back, or never held: the window is off).
  const held = useWorkspace((state) => (undoable ? (state.outbox.pending.find((entry) => entry.action.id === undoable.id) ?? null) : null));
  const holdUntil = held?.holdUntil ?? null;
  useEffect(() => {
    if (!undoable || holdUntil === null) return;
    const timer = setTimeout(() => setUndoable(null), Math.max(0, holdUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [undoable, holdUntil]);

  useEffect(() => {
    void store.ensureConversation(id);
    store.viewConversation(id);
    return () => store.viewConversation(null);
  }, [store, id]);
  const thread = useWorkspace((state) => (state.openThread?.id === id ? state.openThread : null));
  const presence = usePresence(id);

  if (!conversation) {
    return (
      <main className="conversation empty" aria-busy="true">
        <p className="muted">Loading conversation…</p>
      </main>
    );
  }

  const closed = conversation.status === 'closed';
  return (
    <main className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <div className="customer">
          {/* A built image imported from JS: it comes from the host that served this chunk. */}
          <img className="avatar" src={customerAvatarUrl} alt="" width={40} height={40} />
          <div>
            <h1 id="conversation-title">{conversation.customerName}</h1>
            <p className="muted">
              {conversation.subject} · <span className={`status status-${conversation.status}`}>{closed ? 'Closed' : 'Open'}</span>
              {conversation.pendingActions > 0 && <PendingBadge count={conversation.pendingActions} />}
            </p>
            <PresenceLine viewers={presence.viewers} />
          </div>
        </div>
        <div className="conversation-controls">
          <AssignControl agents={agents} me={me} value={conversation.assigneeId} onChange={(assigneeId) => void store.act('assign', id, { assigneeId })} />
          {closed ? (
            <button type="button" onClick={() => void store.act('reopen', id, {})}>
              Reopen conversation
            </button>
          ) : (
            <button type="button" onClick={() => void store.act('close', id, {})}>
              Close conversation
            </button>
          )}
        </div>
      </header>
      <ThreadArriving thread={thread} />
      {/* Keys unique among the siblings (the list and the composer shared one), the status line in a slot of its own:
          with both as they were, message lists piled up in the page each time the status line came and went. */}
      <MessageList key={`messages-${id}`} messages={messages ?? noMessages} />
      {/* Not with the device's clock set back past the reply's queueing: it is on its way (isHeld), not hours from it. */}
      {undoable && held && holdUntil !== null && isHeld(held, Date.now()) && (
        <UndoBar
          holdUntil={holdUntil}
          onUndo={async () => {
            const taken = undoable;
            setUndoable(null);
            if (await store.undo(taken.id)) setRestore({ text: taken.text, key: Date.now() });
          }}
        />
      )}
      <Composer
        key={`composer-${id}`}
        cannedReplies={cannedReplies}
        composerRef={composerRef}
        restore={restore}
        draft={{ load: () => store.drafts.read(id), save: (text) => store.drafts.save(id, text) }}
        onTyping={presence.typed}
        onSend={async (text) => setUndoable({ id: await store.act('send', id, { text }), text })}
        actions={<UndoWindowSetting />}
      />
    </main>
  );
}

/** How much of the thread is here while the rest is fetched (ThreadCatchUp); nothing once it is whole. */
function ThreadArriving({ thread }: { thread: ThreadState | null }) {
  if (!thread || thread.whole || thread.total === undefined) return null;
  return (
    <p className="notice thread-arriving" role="status" aria-label="Thread">
      {thread.held} of {thread.total} messages here; the rest {thread.fetching ? 'are on their way' : 'will be fetched again shortly'}.
    </p>
  );
}

function AssignControl({ agents, me, value, onChange }: { agents: readonly Agent[]; me: Agent; value: string | null; onChange: (id: string | null) => void }) {
  return (
    <label className="assign">
      <span className="visually-hidden">Assign</span>
      <select aria-label="Assign" value={value ?? ''} onChange={(event) => onChange(event.target.value || null)}>
        <option value="">Unassigned</option>
        {agents.map((agent) => (
          <option key={agent.id} value={agent.id}>
            {agent.id === me.id ? `${agent.name} (me)` : agent.name}
          </option>
        ))}
      </select>
    </label>
  );
}

const estimatedMessageHeight = 96;
/**
 * `localStorage['holdfast.fullMessageList'] = '1'` renders every message (no windowing): for support, when
 * find-in-page must search a whole thread, and for bench:long-thread, which measures both ways.
 */
const renderEveryMessage = () => {
  try {
    return localStorage.getItem('holdfast.fullMessageList') === '1';
  } catch {
    return false;
  }
};

/**
 * The messages, virtualized: only those in view (and a few around them) are in the page, so a thread of
 * 5,000 opens as fast as one of 50. Each row says where it stands (aria-posinset of aria-setsize), so
 * assistive technology — and the tests — know the whole count. It opens at the newest message and follows
 * new ones while the agent is at the bottom; scrolled up to read, the agent stays where they are. Find in
 * page searches the messages in view.
 */
function MessageList({ messages }: { messages: readonly (Message | PendingMessage)[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimatedMessageHeight,
    getItemKey: (index) => messages[index]!.id,
    overscan: renderEveryMessage() ? messages.length : 4,
    // Open at the newest: the first rows rendered are the last ones.
    initialOffset: () => messages.length * estimatedMessageHeight,
  });
  // The message the agent reads (the first in view) and how far below the top of the view it starts.
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  // Show the newest message, on open and whenever one arrives — unless the agent scrolled up to read.
  // Then the message they read stays where it is on screen, even when older ones are inserted above it
  // (a conversation fetched from the server after a partial local copy was shown).
  const count = messages.length;
  useLayoutEffect(() => {
    if (count > 0 && performance.getEntriesByName('holdfast:messages-rendered').length === 0) performance.mark('holdfast:messages-rendered');
    if (count === 0) return;
    if (atBottom.current) {
      virtualizer.scrollToIndex(count - 1, { align: 'end' });
      return;
    }
    const kept = anchor.current;
    const index = kept ? messages.findIndex((message) => message.id === kept.id) : -1;
    const start = index >= 0 ? virtualizer.getOffsetForIndex(index, 'start')?.[0] : undefined;
    if (kept && start !== undefined && Math.abs(start - (scrollRef.current?.scrollTop ?? 0) - kept.offset) > 1) virtualizer.scrollToOffset(start - kept.offset);
  }, [messages, count, virtualizer]);
  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      className="messages-scroll"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take the focus, so a keyboard can scroll it
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
        const first = virtualizer.getVirtualItems().find((item) => item.end > element.scrollTop);
        anchor.current = first ? { id: String(first.key), offset: first.start - element.scrollTop } : null;
      }}
    >
      <ol className="messages" aria-label="Messages" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          <MessageItem
            key={item.key}
            message={messages[item.index]!}
            index={item.index}
            count={count}
            start={item.start}
            measure={virtualizer.measureElement}
          />
        ))}
      </ol>
    </div>
  );
}

type MessageItemProps = { message: Message | PendingMessage; index: number; count: number; start: number; measure: (element: Element | null) => void };

/** Memoised: a message never changes, so a new one arriving re-renders the rows whose place changed, not five hundred. */
const MessageItem = memo(function MessageItem({ message, index, count, start, measure }: MessageItemProps) {
  const pending = isPending(message);
  return (
    <li
      ref={measure}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={count}
      className={`message-row message-row-${message.authorKind}`}
      style={{ transform: `translateY(${start}px)` }}
    >
      <div className={`message message-${message.authorKind}${pending ? ' message-pending' : ''}`}>
        <p className="message-meta">
          <strong>{message.authorName}</strong> <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>
          {pending && (
            <span className="pending-mark" role="img" aria-label="Pending" title="Not yet sent to the server">
              🕓
            </span>
          )}
        </p>
        <p className="message-body">{message.body}</p>
        {message.attachments.map((attachment) => (
          <AttachmentImage key={attachment.url} attachment={attachment} />
        ))}
      </div>
    </li>
  );
});

/** A conversation with actions not yet confirmed by the server. */
function PendingBadge({ count }: { count: number }) {
  return (
    <span className="pending-badge" title="Waiting to reach the server">
      {count} pending
    </span>
  );
}

/** An image never loaded while online cannot show offline: say so plainly instead of a broken image. */
function AttachmentImage({ attachment }: { attachment: Attachment }) {
  const [failed, setFailed] = useState(false);
  // In the demo, images come from its in-browser backend (an object URL); otherwise straight from the URL.
  const [demoSource, setDemoSource] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    resolveMedia(attachment.url)?.then(
      (source) => current && setDemoSource(source),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [attachment.url]);
  if (failed) {
    return (
      <div
        role="img"
        aria-label={`Image not available offline: ${attachment.name}`}
        className="attachment-placeholder"
        style={{ aspectRatio: `${attachment.width} / ${attachment.height}` }}
      >
        Image not available offline
      </div>
    );
  }
  return (
    <img
      src={demoSource ?? (isDemo() ? undefined : attachment.url)}
      alt={`Attachment ${attachment.name}`}
      width={attachment.width}
      height={attachment.height}
      loading="lazy"
      className="attachment"
      onError={() => setFailed(true)}
    />
  );
}
