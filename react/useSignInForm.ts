import { useState, type FormEvent } from 'react';
import { isHoldfastError } from '../shared/core/HoldfastError.js';

/** What a sign-in form's submit does, for an app's own form: its fields are named `email` and `password`. */
export type SignInForm = { submit: (event: FormEvent<HTMLFormElement>) => Promise<void>; busy: boolean; error: string | null };

/**
 * A sign-in form's submit: reads the fields, calls `signIn`, hands the session on, and says why not. The
 * server's refusal is said in its words; no answer at all, as "cannot be reached". The fields stay
 * uncontrolled, so a form prerendered in the page keeps what was typed before hydration.
 */
export function useSignInForm<Session>(signIn: (email: string, password: string) => Promise<Session>, onSignedIn: (session: Session) => void): SignInForm {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(String(form.get('email') ?? ''), String(form.get('password') ?? '')));
    } catch (caught) {
      setError(isHoldfastError(caught, 'api-refused') ? caught.message : 'The server cannot be reached. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy, error };
}
