import { useState, type FormEvent } from 'react';
import { ApiRequestError } from 'holdfast/client';
import type { SignedIn, TasksApi } from '../tasksApi.js';

export function SignInForm({ api, onSignedIn, title = 'Sign in to your team' }: { api: TasksApi; onSignedIn: (signedIn: SignedIn) => void; title?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(String(form.get('email')), String(form.get('password'))));
    } catch (caught) {
      setError(caught instanceof ApiRequestError && caught.status !== 0 ? caught.message : 'The server cannot be reached. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="sign-in" onSubmit={(event) => void submit(event)}>
      <h1>{title}</h1>
      <label>
        Email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && <p role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
