import { captureInstallPrompt } from 'holdfast/react';
import { StrictMode, type ComponentType } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { App, loadSignedInApp } from './App.js';
import type { SignedInAppProps } from './SignedInApp.js';
import { cancelDemo, enterDemoIfAsked, isDemo } from '../demo/demoMode.js';
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

declare const __HOLDFAST_VERSION__: string;

// The version this page runs (support asks; the update tests check every tab moved).
document.documentElement.dataset.version = __HOLDFAST_VERSION__;
listenToCascade();
exposeForMonitoring();
// The browser's install offer can come before React renders: kept for the "Install app" button.
captureInstallPrompt();

const container = document.getElementById('root')!;
function mount(signedInApp?: ComponentType<SignedInAppProps>) {
  const app = (
    <StrictMode>
      <App signedInApp={signedInApp} />
    </StrictMode>
  );
  // Nobody signed in: index.html already shows the sign-in screen (prerender.tsx); React hydrates it.
  // Signed in: the page shows the workspace's skeleton, and React renders the workspace in place of the markup.
  // The demo with nobody signed in opens signed in (App): no sign-in screen to hydrate.
  if (!signedInApp && !loadSession() && !isDemo() && container.firstElementChild) hydrateRoot(container, app);
  else {
    container.replaceChildren();
    createRoot(container).render(app);
  }
}

// Signed in: the workspace's chunk first (the skeleton is on screen meanwhile; it opens the agent's
// database as it loads, state/preopenDatabase.ts), then React renders it at once. Should it fail to load,
// the app renders without it and loads it lazily, with its error boundary.
function start() {
  if (loadSession())
    loadSignedInApp().then(
      (module) => mount(module.default),
      () => mount(),
    );
  else mount();
}
// The demo (no server: app/demo) answers the app's requests from a backend in the browser; it is loaded,
// and installed, before anything asks. A normal start never loads it.
enterDemoIfAsked();
if (isDemo())
  import('../demo/startDemo.js')
    .then(async (demo) => {
      try {
        await demo.startDemo();
      } catch (error) {
        // Real work waits in this browser: the real app, with a word on why the demo did not open.
        if (error instanceof demo.DemoRefused && import.meta.env.VITE_DEMO_ONLY !== '1') cancelDemo(error.unsent);
        else console.error('The demo could not start.', error);
      }
    })
    .then(start, (error: unknown) => {
      console.error('The demo could not start.', error);
      start();
    });
else start();
registerServiceWorker();
