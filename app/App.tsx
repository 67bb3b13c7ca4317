import { useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { ApiClient, type SignedIn } from './api/ApiClient.js';
import { clearSession, loadSession, saveSession } from './state/session.js';
import { WorkspaceContext } from './state/useWorkspace.js';
import { WorkspaceStore } from './state/WorkspaceStore.js';
import { SignInView } from './views/SignInView.js';
import { WorkspaceView } from './views/WorkspaceView.js';

export function App() {
  const [session, setSession] = useState<SignedIn | null>(loadSession);
  const api = useMemo(
    () =>
      new ApiClient(
        () => loadSession()?.token ?? null,
        () => {
          clearSession();
          setSession(null);
        },
      ),
    [],
  );
  const store = useMemo(() => (session ? new WorkspaceStore(api) : null), [api, session]);
  useEffect(() => {
    if (!store) return;
    store.start();
    return () => store.stop();
  }, [store]);

  const signIn = (signedIn: SignedIn) => {
    saveSession(signedIn);
    setSession(signedIn);
  };
  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    clearSession();
    setSession(null);
  };

  if (!session || !store) {
    return (
      <Routes>
        <Route path="*" element={<SignInView api={api} onSignedIn={signIn} />} />
      </Routes>
    );
  }
  const workspace = <WorkspaceView me={session.agent} tenantName={session.tenant.name} onSignOut={() => void signOut()} />;
  return (
    <WorkspaceContext.Provider value={store}>
      <Routes>
        <Route path="/" element={workspace} />
        <Route path="/conversations/:id" element={workspace} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </WorkspaceContext.Provider>
  );
}
