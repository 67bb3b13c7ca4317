import type { BrowserContext } from '@playwright/test';
import type { SignedIn } from '../../app/client/api/ApiClient.js';

export type BrowserSession = SignedIn & { cookie: { name: string; value: string } };

/**
 * Signs in the way the app does (a cookie session), outside the browser: for tests and benchmarks that
 * open the workspace already signed in. `addTo` gives a browser context the cookie and the stored session,
 * as if the agent had signed in there.
 */
export async function signInAsBrowser(baseUrl: string, email = 'alice@example.com', password = 'holdfast'): Promise<BrowserSession> {
  const response = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, session: 'cookie' }),
  });
  if (!response.ok) throw new Error(`sign-in as ${email} failed: ${response.status} ${await response.text()}`);
  const signedIn = (await response.json()) as SignedIn;
  const cookie = response.headers
    .getSetCookie()
    .map((header) => /^([^=]+)=([^;]*)/.exec(header))
    .find((match) => match?.[1] === 'holdfast_session');
  if (!cookie) throw new Error('sign-in set no session cookie');
  return { ...signedIn, cookie: { name: cookie[1]!, value: cookie[2]! } };
}

export async function addSessionTo(context: BrowserContext, baseUrl: string, session: BrowserSession): Promise<void> {
  await context.addCookies([{ ...session.cookie, url: `${baseUrl}/api`, httpOnly: true, sameSite: 'Strict' }]);
  const stored: SignedIn = { agent: session.agent, tenant: session.tenant };
  await context.addInitScript((value) => localStorage.setItem('holdfast.session', JSON.stringify(value)), stored);
}
