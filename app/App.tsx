import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { matchPath, Navigate, Route, Routes } from 'react-router';
import { ApiClient, ApiRequestError, apiRequestHeaders, type SignedIn } from './api/ApiClient.js';
import { clearReplayCredentials, saveReplayCredentials } from 'holdfast/client';
import { outboxScope, wipeAgentData, wipeOtherAgentsData } from './state/localData.js';
import { clearSession, isSignOutPending, loadSession, markSignOutPending, saveSession } from './state/session.js';
import { WorkspaceContext } from './state/useWorkspace.js';
import { WorkspaceStore } from './state/WorkspaceStore.js';
import { SignInView } from './views/SignInView.js';
import { LoadFailedBoundary } from './views/LoadFailedBoundary.js';
import { exposeWorkspace } from './state/exposeForMonitoring.js';

// Its own chunk, loaded after sign-in: the sign-in screen does not wait for the workspace's code. A
// dynamic import, so with CDN hosts it comes through the cascade too (build/fallbackLoader).
const WorkspaceView = lazy(() => import('./views/WorkspaceView.js').then((module) => ({ default: module.WorkspaceView })));

export function App() {
  const [session, setSession] = useState<SignedIn | null>(loadSession);
  const [expired, setExpired] = useState(false);
  // A refused token ends the session but not the agent's local data: their queued actions wait, and go
  // once they sign in again.
  const expire = () => {
    const expiring = loadSession();
    clearSession();
    if (expiring) void clearReplayCredentials(outboxScope(expiring.tenant.id, expiring.agent.id));
    setExpired(true);
    setSession(null);
  };
  const api = useMemo(() => new ApiClient(expire), []);
  const tenantId = session?.tenant.id;
  const agent = session?.agent;
  const agentId = agent?.id;
  const store = useMemo(() => {
    if (!tenantId || !agent) return null;
    const initialConversationId = matchPath('/conversations/:id', window.location.pathname)?.params.id;
    return new WorkspaceStore({ api, tenantId, me: agent, initialConversationId, onSessionExpired: expire });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one store per signed-in agent, not per session object
  }, [api, tenantId, agentId]);
  useEffect(() => {
    if (!store) return;
    void store.start();
    exposeWorkspace(store);
    // For the service worker's Background Sync, which replays after every tab is closed. No secret: the
    // browser adds the session cookie to the worker's requests.
    if (tenantId && agentId) void saveReplayCredentials({ scope: outboxScope(tenantId, agentId), endpoint: '/api/actions', headers: apiRequestHeaders, probeUrl: '/readyz' });
    return () => {
      exposeWorkspace(null);
      store.stop();
    };
  }, [store, tenantId, agentId]);

  const signIn = async (signedIn: SignedIn) => {
    await wipeOtherAgentsData(signedIn.tenant.id, signedIn.agent.id).catch(() => undefined);
    saveSession(signedIn);
    // Signing in ended any session this browser's cookie still held (the server does): nothing left to end.
    markSignOutPending(false);
    setExpired(false);
    setSession(signedIn);
  };
  const signOut = async () => {
    if (!session) return;
    store?.stop();
    clearSession();
    await clearReplayCredentials(outboxScope(session.tenant.id, session.agent.id));
    setSession(null);
    await Promise.all([endServerSession(api), wipeAgentData(session.tenant.id, session.agent.id)]);
  };
  // Signed out while the server could not be reached: its session (the cookie) is ended at the next start.
  useEffect(() => {
    if (!loadSession() && isSignOutPending()) void endServerSession(api);
  }, [api]);

  if (!session || !store) {
    return (
      <Routes>
        <Route
          path="*"
          element={
            <SignInView
              api={api}
              notice={expired ? 'Your session has ended. Sign in again: anything you did meanwhile is kept and will be sent.' : null}
              onSignedIn={(signedIn) => void signIn(signedIn)}
            />
          }
        />
      </Routes>
    );
  }
  const workspace = <WorkspaceView me={session.agent} tenantName={session.tenant.name} onSignOut={() => void signOut()} />;
  return (
    <WorkspaceContext.Provider value={store}>
      <LoadFailedBoundary>
        <Suspense fallback={<p className="muted">Loading the workspace…</p>}>
          <Routes>
            <Route path="/" element={workspace} />
            <Route path="/conversations/:id" element={workspace} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </LoadFailedBoundary>
    </WorkspaceContext.Provider>
  );
}

/** Ends the server session; when the server cannot be reached, remembers to try again on the next start. */
async function endServerSession(api: ApiClient): Promise<void> {
  markSignOutPending(true);
  try {
    await api.signOut();
    markSignOutPending(false);
  } catch (error) {
    // Answered (e.g. 401: that session is already over): nothing left to end.
    if (error instanceof ApiRequestError && error.status !== 0) markSignOutPending(false);
  }
}
