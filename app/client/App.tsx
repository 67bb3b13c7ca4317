import { lazy, Suspense, useEffect, useMemo, useState, type ComponentType } from 'react';
import { firstAnswering, isHoldfastError } from 'holdfast/client';
import type { SignedInAppProps } from './SignedInApp.js';
import { dismissBootSkeleton } from './bootSkeleton.js';
import { ApiClient, type SignedIn } from './api/ApiClient.js';
import { apiOriginList } from './api/apiOriginList.js';
import { clearSession, isSignOutPending, loadSession, markSignOutPending, saveSession } from './state/session.js';
import { LoadFailedBoundary } from './views/LoadFailedBoundary.js';
import { SignInView } from './views/SignInView.js';
import { UpdateBanner } from './views/UpdateBanner.js';
import { DemoBanner } from './views/DemoBanner.js';
import { DemoRefusedNotice } from './views/DemoRefusedNotice.js';
import { isDemo } from '../demo/demoMode.js';

/**
 * The entry's whole app: the sign-in screen, and the signed-in app as a chunk of its own, loaded after
 * sign-in (or at once, for an agent already signed in: main.tsx starts fetching it before React renders).
 * A dynamic import, so with CDN hosts it comes through the cascade too (build/fallbackLoader).
 */
export const loadSignedInApp = () => import('./SignedInApp.js');
const SignedInApp = lazy(loadSignedInApp);

/**
 * `signedInApp`: the signed-in chunk, when main.tsx already has it (an agent signed in at load). Rendered
 * as it is, not through lazy(): a Suspense boundary that showed its fallback is revealed ~300 ms late
 * (React throttles reveals), which was most of a cold start's time to the first conversation.
 */
export function App({ signedInApp: Loaded }: { signedInApp?: ComponentType<SignedInAppProps> }) {
  const [session, setSession] = useState<SignedIn | null>(loadSession);
  // Signed in on this page (not restored at load): what another agent left in this browser is wiped.
  const [signedInHere, setSignedInHere] = useState(false);
  const [expired, setExpired] = useState(false);
  // A refused token ends the session but not the agent's local data: their queued actions wait, and go
  // once they sign in again.
  // (SignedInApp also forgets the worker's replay credentials for it.)
  const expire = () => {
    clearSession();
    setExpired(true);
    setSession(null);
  };
  // Signing in tries the API's regions in order (no breakers: too much code for one request).
  // biome-ignore lint/correctness/useExhaustiveDependencies: one API client per page: `expire` only sets state, whichever render made it
  const api = useMemo(() => new ApiClient(expire, firstAnswering(apiOriginList)), []);

  const signIn = (signedIn: SignedIn) => {
    saveSession(signedIn);
    setSignedInHere(true);
    // Signing in ended any session this browser's cookie still held (the server does): nothing left to end.
    markSignOutPending(false);
    setExpired(false);
    setSession(signedIn);
  };
  // The demo opens signed in, as its first agent: one click from "Try the demo" to the inbox. (Signing out
  // of it shows the form, for another agent; a new visit opens signed in again.)
  const [openingDemo, setOpeningDemo] = useState(() => !session && isDemo());
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per page
  useEffect(() => {
    if (!openingDemo) return;
    api
      .demoAccounts()
      .then(({ accounts }) => api.signIn(accounts[0]!, 'demo'))
      .then(signIn, () => undefined)
      .finally(() => setOpeningDemo(false));
  }, []);
  // Signed out while the server could not be reached: its session (the cookie) is ended at the next start.
  useEffect(() => {
    if (!loadSession() && isSignOutPending()) void endServerSession(api);
  }, [api]);
  useEffect(() => {
    if (!session) dismissBootSkeleton();
  }, [session]);

  if (!session && openingDemo)
    return (
      <>
        <DemoBanner api={api} session={null} />
        <p className="muted opening-demo" role="status">
          Opening the demo…
        </p>
      </>
    );
  if (!session) {
    return (
      <>
        <UpdateBanner />
        <DemoBanner />
        <DemoRefusedNotice />
        <SignInView
          api={api}
          notice={expired ? 'Your session has ended. Sign in again: anything you did meanwhile is kept and will be sent.' : null}
          onSignedIn={signIn}
        />
      </>
    );
  }
  const Component = Loaded ?? SignedInApp;
  return (
    <>
      <UpdateBanner />
      <DemoBanner api={api} session={session} />
      <DemoRefusedNotice />
      <LoadFailedBoundary>
        {/* The boot skeleton stands in while the chunk loads. */}
        <Suspense fallback={null}>
          <Component
            api={api}
            session={session}
            freshSignIn={signedInHere}
            onExpired={expire}
            onSignedOut={() => setSession(null)}
            endServerSession={() => endServerSession(api)}
          />
        </Suspense>
      </LoadFailedBoundary>
    </>
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
    if (isHoldfastError(error, 'api-refused')) markSignOutPending(false);
  }
}
