import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSignInForm } from 'holdfast/react';
import type { ApiClient, SignedIn } from '../api/ApiClient.js';
import { InstallAppButton } from './InstallAppButton.js';
import { useIsDemo } from './DemoBanner.js';

const noSubscription = () => () => {};

/**
 * The sign-in screen. It is also index.html's static markup (../prerender.tsx), painted before any
 * script runs and then hydrated. So its fields are uncontrolled (what an agent types before hydration is
 * kept) and its button is disabled until hydration: a native submit would put the password in the URL.
 */
export function SignInView({ api, notice, onSignedIn }: { api: ApiClient; notice?: string | null; onSignedIn: (session: SignedIn) => void }) {
  const { submit, busy, error } = useSignInForm((email, password) => api.signIn(email, password), onSignedIn);
  // false in the prerendered markup and during hydration, true once React runs the page.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const demo = useIsDemo();
  const demoAccounts = useDemoAccounts(api, hydrated);

  return (
    <main className="sign-in">
      <form onSubmit={(event) => void submit(event)} className="sign-in-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title" className="brand">
          Holdfast
        </h1>
        <p className="muted">Sign in to the agent workspace</p>
        {notice && (
          <p role="status" className="notice notice-info">
            {notice}
          </p>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !hydrated}>
          Sign in
        </button>
        {demoAccounts && (
          <p className="muted small">
            Demo: {demoAccounts.accounts.join(', ')}, {demoAccounts.password === null ? 'any password' : `password “${demoAccounts.password}”`}.
          </p>
        )}
      </form>
      {!demo && (
        <p className="muted">
          <a href="/?demo">Try the demo</a>: the whole workspace in your browser, no account needed.
        </p>
      )}
      <InstallAppButton />
    </main>
  );
}

/**
 * The demo's accounts, when this server holds them as seeded (`npm start`), or the in-browser demo's (any
 * password: `null`): asked once the page runs, never part of the prerendered markup, so a production
 * deployment shows no credentials at all. One hint, from what the backend accepts.
 */
function useDemoAccounts(api: ApiClient, ask: boolean): { accounts: string[]; password: string | null } | null {
  const [found, setFound] = useState<{ accounts: string[]; password: string | null } | null>(null);
  useEffect(() => {
    if (!ask) return;
    const controller = new AbortController();
    api.demoAccounts(controller.signal).then(
      ({ accounts, password }) => accounts.length > 0 && setFound({ accounts, password }),
      () => undefined,
    );
    return () => controller.abort();
  }, [api, ask]);
  return found;
}
