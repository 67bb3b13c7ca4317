import type { SignedIn } from '../api/ApiClient.js';
import { localNamespace } from './localNamespace.js';

/**
 * Who is signed in (agent and tenant), kept in localStorage so a reload — offline too — opens their
 * workspace. No credential: the session token lives in an HttpOnly cookie no script can read
 * (server/http/sessionCookie.ts). A session stored by an earlier version with a token in it is cleaned.
 * The demo's session is kept under a key of its own (localNamespace): entering the demo leaves a real
 * agent signed in, and leaving it finds them so.
 */
const namespaced = (name: string): string => (localNamespace() ? `holdfast.${localNamespace()}.${name}` : `holdfast.${name}`);
const storageKey = (): string => namespaced('session');
/** Set when signing out could not reach the server: the server session is ended at the next chance. */
const pendingSignOutKey = (): string => namespaced('pending-sign-out');

export function loadSession(): SignedIn | null {
  try {
    const stored = localStorage.getItem(storageKey());
    if (!stored) return null;
    const { agent, tenant, ...rest } = JSON.parse(stored) as SignedIn & { token?: unknown };
    if ('token' in rest) saveSession({ agent, tenant });
    return { agent, tenant };
  } catch {
    return null;
  }
}

export function saveSession(session: SignedIn): void {
  localStorage.setItem(storageKey(), JSON.stringify({ agent: session.agent, tenant: session.tenant }));
}

export function clearSession(): void {
  localStorage.removeItem(storageKey());
}

export function markSignOutPending(pending: boolean): void {
  if (pending) localStorage.setItem(pendingSignOutKey(), '1');
  else localStorage.removeItem(pendingSignOutKey());
}

export function isSignOutPending(): boolean {
  return localStorage.getItem(pendingSignOutKey()) === '1';
}
