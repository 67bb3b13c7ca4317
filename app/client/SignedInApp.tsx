import { useEffect, useMemo } from 'react';
import { BrowserRouter, matchPath, Navigate, Route, Routes } from 'react-router';
import { releaseInBackForwardCache } from 'holdfast/client';
import { isDemo } from '../demo/demoMode.js';
import { appUpdates } from './registerServiceWorker.js';
import { resumeReplyKey } from './views/Composer.js';
import type { ApiClient, SignedIn } from './api/ApiClient.js';
import { apiOrigins } from './api/apiOrigins.js';
import { dismissBootSkeleton } from './bootSkeleton.js';
import { exposeWorkspace } from './state/exposeForMonitoring.js';
import { reportTelemetry } from './state/reportTelemetry.js';
import { wipeOtherAgentsData } from './state/localData.js';
import { preopenWorkspaceDatabase } from './state/preopenDatabase.js';
import { clearSession, loadSession } from './state/session.js';
import { WorkspaceContext } from './state/useWorkspace.js';
import { WorkspaceStore } from './state/WorkspaceStore.js';
import { readUndoWindow } from './state/undoWindow.js';
import { WorkspaceView } from './views/WorkspaceView.js';

// Cold start: the first IndexedDB open costs 100–200 ms; started as this chunk loads (main.tsx asks for it
// before React renders), it overlaps rendering, and the store takes the connection already opening.
performance.mark('holdfast:signed-in-chunk');
preopenWorkspaceDatabase(loadSession());

// The views are in this chunk, not one of their own: a chunk loaded from this one would list the entry
// and its stylesheet as dependencies, and load them again from whichever host serves it.

export type SignedInAppProps = {
  api: ApiClient;
  session: SignedIn;
  /** Signed in just now (not restored at load): what another agent left in this browser is wiped. */
  freshSignIn: boolean;
  /** The server refused the session: the agent signs in again; their local data and queue stay. */
  onExpired: () => void;
  /** Signed out (local data wiped); `endServerSession` ends the server's side. */
  onSignedOut: () => void;
  endServerSession: () => Promise<void>;
};

/**
 * Everything after sign-in, in a chunk the sign-in page never loads: the router, the workspace's store
 * (IndexedDB, delta sync, the outbox) and its views.
 */
export default function SignedInApp({ api, session, freshSignIn, onExpired, onSignedOut, endServerSession }: SignedInAppProps) {
  const tenantId = session.tenant.id;
  const agentId = session.agent.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: one store per signed-in agent, not per session object
  const { store, live } = useMemo(() => {
    // Whether this agent's session is the page's: once they sign out (or another signs in), an answer still
    // on its way to this store's requests — a 401 for the session just ended — must not end the next
    // agent's session (the demo test saw "Your session has ended" right after another agent signed in).
    const live = { now: true };
    const expired = () => {
      if (live.now) onExpired();
    };
    const initialConversationId = matchPath('/conversations/:id', window.location.pathname)?.params.id;
    // `holdfast.syncPrefetch = '0'`: one sync request at a time, for support and for the new-device benchmark's baseline.
    const syncPrefetch = localStorage.getItem('holdfast.syncPrefetch') !== '0';
    // Signed in, every request follows the API's region in rotation (apiOrigins); the sign-in screen asks this origin.
    const undoWindowMs = readUndoWindow(tenantId, agentId);
    // A refused session: the store's client stops Background Sync replaying this agent's queue until they sign in again.
    // The worker's replay needs a server it can reach: not the demo's, which lives in the page.
    const store = new WorkspaceStore({
      api: api.through(apiOrigins.fetch, expired),
      origins: apiOrigins,
      tenantId,
      me: session.agent,
      initialConversationId,
      syncPrefetch,
      undoWindowMs,
      onSessionExpired: expired,
      backgroundReplay: !isDemo(),
      endSession: endServerSession,
    });
    return { store, live };
  }, [api, tenantId, agentId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per store
  useEffect(() => {
    // Nothing another agent left behind in this browser stays readable (their session expired instead of
    // signing out); only this agent's database and outbox are kept.
    if (freshSignIn) void wipeOtherAgentsData(tenantId, agentId).catch(() => undefined);
    dismissBootSkeleton();
    void store.start();
    exposeWorkspace(store);
    // Before this tab reloads onto a new version, its drafts are stored (the composer writes as the agent types).
    const stopSavingOnUpdate = appUpdates.addBeforeReload(async () => {
      // Mid-reply: after the reload the composer has the focus again, with the draft, caret at its end.
      if (document.activeElement?.id === 'composer-text') sessionStorage.setItem(resumeReplyKey, '1');
      await store.drafts.flush();
    });
    // Telemetry goes to the server; the demo has none to tell.
    const stopTelemetry = isDemo() ? () => {} : reportTelemetry(store);
    const stopWatchingCache = releaseInBackForwardCache(() => store.stop());
    return () => {
      stopWatchingCache();
      stopTelemetry();
      stopSavingOnUpdate();
      exposeWorkspace(null);
      live.now = false;
      store.stop();
    };
  }, [store]);

  const signOut = async () => {
    live.now = false;
    clearSession();
    const wiped = store.signOut();
    onSignedOut();
    await wiped;
  };

  const workspace = <WorkspaceView me={session.agent} tenantName={session.tenant.name} onSignOut={() => void signOut()} />;
  return (
    <BrowserRouter>
      <WorkspaceContext.Provider value={store}>
        <Routes>
          <Route path="/" element={workspace} />
          <Route path="/conversations/:id" element={workspace} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </WorkspaceContext.Provider>
    </BrowserRouter>
  );
}
