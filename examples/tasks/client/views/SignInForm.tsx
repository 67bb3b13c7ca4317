import { useSignInForm } from 'holdfast/react';
import type { SignedIn, TasksApi } from '../tasksApi.js';

export function SignInForm({ api, onSignedIn, title = 'Sign in to your team' }: { api: TasksApi; onSignedIn: (signedIn: SignedIn) => void; title?: string }) {
  const { submit, busy, error } = useSignInForm((email, password) => api.signIn(email, password), onSignedIn);
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
