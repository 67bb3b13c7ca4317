import { renderToString } from 'react-dom/server';
import type { ApiClient } from './api/ApiClient.js';
import { SignInView } from './views/SignInView.js';

/**
 * The sign-in screen as static markup for index.html (build/prerenderShell.ts): what App renders first
 * for nobody signed in, which main.tsx then hydrates. Nothing here runs in the browser.
 */
export function renderShell(): string {
  return renderToString(<SignInView api={null as unknown as ApiClient} notice={null} onSignedIn={() => {}} />);
}
