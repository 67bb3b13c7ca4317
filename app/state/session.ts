import type { SignedIn } from '../api/ApiClient.js';

/**
 * The signed-in agent, kept in localStorage so a reload stays signed in. This is the only place the
 * token lives on the client; sign-out removes it.
 */
const storageKey = 'holdfast.session';

export function loadSession(): SignedIn | null {
  try {
    const stored = localStorage.getItem(storageKey);
    return stored ? (JSON.parse(stored) as SignedIn) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: SignedIn): void {
  localStorage.setItem(storageKey, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(storageKey);
}
