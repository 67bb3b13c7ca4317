import { useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { Agent } from '../../shared/index.js';
import { useShortcuts } from '../hooks/useShortcuts.js';
import { filterConversations, type InboxFilter } from '../state/filterConversations.js';
import { useWorkspace, useWorkspaceStore } from '../state/useWorkspace.js';
import { AssetHostsStatus } from './AssetHostsStatus.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { ConversationPane } from './ConversationPane.js';
import { FailedActionsPanel } from './FailedActionsPanel.js';
import { OutboxStatus } from './OutboxStatus.js';
import { InboxPane } from './InboxPane.js';
import { InstallAppButton } from './InstallAppButton.js';
import { StatusPanel } from './StatusPanel.js';
import { LocalDataLostNotice } from './LocalDataLostNotice.js';

/** The signed-in screen: header, inbox and the open conversation, with the keyboard shortcuts. */
export function WorkspaceView({ me, tenantName, onSignOut }: { me: Agent; tenantName: string; onSignOut: () => void }) {
  const { id } = useParams();
  const navigate = useNavigate();
  const all = useWorkspace((state) => state.conversations);
  const agents = useWorkspace((state) => state.agents);
  const loaded = useWorkspace((state) => state.loaded);
  const unsent = useWorkspace((state) => state.outbox.pending.length + state.outbox.failed.length);
  const databaseBlocked = useWorkspace((state) => state.databaseBlocked);
  const refusedAction = useWorkspace((state) => state.refusedAction);
  const store = useWorkspaceStore();
  const [confirmingSignOut, setConfirmingSignOut] = useState(false);
  // `/?view=mine` (the installed app's "Mine" shortcut) opens on that view.
  const [filter, setFilter] = useState<InboxFilter>(() => ({ view: viewFromUrl(), status: 'open', query: '' }));
  const conversations = useMemo(() => filterConversations(all, filter, me.id), [all, filter, me.id]);
  const searchRef = useRef<HTMLInputElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  const step = (delta: number) => {
    if (conversations.length === 0) return;
    const index = conversations.findIndex((conversation) => conversation.id === id);
    const next = index < 0 ? 0 : Math.min(conversations.length - 1, Math.max(0, index + delta));
    navigate(`/conversations/${conversations[next]!.id}`);
  };
  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    r: () => composerRef.current?.focus(),
    '/': () => searchRef.current?.focus(),
  });

  return (
    <div className="workspace">
      <header className="topbar">
        <span className="brand">Holdfast</span>
        <span className="muted">{tenantName}</span>
        <ConnectionStatus />
        <OutboxStatus />
        <AssetHostsStatus />
        <StatusPanel />
        <span className="spacer" />
        <InstallAppButton />
        <span>{me.name}</span>
        <button type="button" onClick={() => (unsent > 0 ? setConfirmingSignOut(true) : onSignOut())}>
          Sign out
        </button>
      </header>
      {confirmingSignOut && (
        <div role="alertdialog" aria-modal="true" aria-labelledby="sign-out-title" aria-describedby="sign-out-text" className="dialog">
          <h2 id="sign-out-title">Sign out with unsent work?</h2>
          <p id="sign-out-text">
            {unsent} {unsent === 1 ? 'action has' : 'actions have'} not reached the server. Signing out deletes them from this browser.
          </p>
          {/* biome-ignore lint/a11y/noAutofocus: a confirmation's safe answer takes the focus, so Enter does not delete unsent work */}
          <button type="button" autoFocus onClick={() => setConfirmingSignOut(false)}>
            Stay signed in
          </button>
          <button type="button" onClick={onSignOut}>
            Sign out and delete them
          </button>
        </div>
      )}
      <LocalDataLostNotice />
      {refusedAction && (
        <div role="alert" aria-label="Action not saved" className="notice notice-error">
          {refusedAction.message}{' '}
          <button type="button" onClick={() => store.dismiss('refusedAction')}>
            Dismiss
          </button>
        </div>
      )}
      {databaseBlocked && (
        <p role="status" className="notice">
          Another tab runs an older version of Holdfast and holds this browser&apos;s copy of your data. Reload or close that tab.
        </p>
      )}
      <FailedActionsPanel />
      <div className="panes">
        <InboxPane conversations={conversations} agents={agents} selectedId={id} filter={filter} onFilter={setFilter} searchRef={searchRef} loaded={loaded} />
        {id ? (
          <ConversationPane key={id} id={id} me={me} composerRef={composerRef} />
        ) : (
          <main className="conversation empty">
            <h1 className="visually-hidden">Inbox</h1>
            <p className="muted">Pick a conversation. Shortcuts: j / k next and previous, r reply, / search, Ctrl+Enter send.</p>
          </main>
        )}
      </div>
    </div>
  );
}

function viewFromUrl(): InboxFilter['view'] {
  const view = new URLSearchParams(window.location.search).get('view');
  return view === 'mine' || view === 'unassigned' ? view : 'all';
}
