import type { SignedIn } from './tasksApi.js';

/**
 * Who is signed in, so a reload (offline too) opens their list. No credential: the session is an HttpOnly
 * cookie no script reads.
 */
const key = 'holdfast-tasks.signed-in';

export function loadSignedIn(): SignedIn | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as SignedIn | null;
  } catch {
    return null;
  }
}

export function saveSignedIn(signedIn: SignedIn | null): void {
  if (signedIn) localStorage.setItem(key, JSON.stringify({ agent: signedIn.agent, tenant: signedIn.tenant }));
  else localStorage.removeItem(key);
}
