import type { ReactNode } from 'react';
import { useSignInForm } from './useSignInForm.js';

export type PasswordSignInProps<Session> = {
  /** Signs in with the reference server (or any): resolves with the session, rejects with a HoldfastError. */
  signIn: (email: string, password: string) => Promise<Session>;
  onSignedIn: (session: Session) => void;
  /** Above the fields, e.g. a heading. */
  children?: ReactNode;
  className?: string;
};

/**
 * A plain email and password form on `useSignInForm`: labelled fields the browser's password manager
 * knows, the refusal said in an alert, the button disabled while a sign-in is under way. An app with a
 * form of its own (a prerendered one, more fields) uses the hook instead.
 */
export function PasswordSignIn<Session>({ signIn, onSignedIn, children, className }: PasswordSignInProps<Session>) {
  const { submit, busy, error } = useSignInForm(signIn, onSignedIn);
  return (
    <form className={className} onSubmit={(event) => void submit(event)}>
      {children}
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
