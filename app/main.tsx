import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { App, loadSignedInApp } from './App.js';
import { registerServiceWorker } from './registerServiceWorker.js';
import { listenToCascade } from './state/cascadeHealth.js';
import { exposeForMonitoring } from './state/exposeForMonitoring.js';
import { loadSession } from './state/session.js';
// Self-hosted, so fonts come through the CDN cascade like the rest of the build (CSS url() → woff2). Only
// declared here: a browser fetches a face when text uses it, and the sign-in screen paints in the system
// font (styles.css), so its first load carries no font at all.
import '@fontsource/inter/latin-400.css';
import '@fontsource/inter/latin-700.css';
import './styles.css';

// Signed in: fetch the workspace's chunk now, overlapping React's first render; it opens the agent's
// database as it loads (state/preopenDatabase.ts).
if (loadSession()) void loadSignedInApp();
listenToCascade();
exposeForMonitoring();

const container = document.getElementById('root')!;
const app = (
  <StrictMode>
    <App />
  </StrictMode>
);
// Nobody signed in: index.html already shows the sign-in screen (app/prerender.tsx); React hydrates it.
// Signed in: the page shows the workspace's skeleton, and React renders the workspace in place of the markup.
if (!loadSession() && container.firstElementChild) hydrateRoot(container, app);
else {
  container.replaceChildren();
  createRoot(container).render(app);
}
registerServiceWorker();
