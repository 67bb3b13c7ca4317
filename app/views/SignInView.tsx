import { useState, type FormEvent } from 'react';
import { ApiRequestError, type ApiClient, type SignedIn } from '../api/ApiClient.js';

export function SignInView({ api, notice, onSignedIn }: { api: ApiClient; notice?: string | null; onSignedIn: (session: SignedIn) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(email, password));
    } catch (caught) {
      setError(caught instanceof ApiRequestError ? caught.message : 'The server cannot be reached. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={submit} className="sign-in-card" aria-labelledby="sign-in-title">
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
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p className="muted small">Demo: alice@example.com or bob@example.com, password “holdfast”.</p>
      </form>
    </main>
  );
}
