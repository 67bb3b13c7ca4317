import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { registerServiceWorker } from './registerServiceWorker.js';
import { listenToCascade } from './state/cascadeHealth.js';
import { exposeForMonitoring } from './state/exposeForMonitoring.js';
import { preopenWorkspaceDatabase } from './state/preopenDatabase.js';
import { loadSession } from './state/session.js';
// Self-hosted, so fonts come through the CDN cascade like the rest of the build (CSS url() → woff2).
import '@fontsource/inter/latin-400.css';
import '@fontsource/inter/latin-700.css';
import './styles.css';

preopenWorkspaceDatabase(loadSession());
listenToCascade();
exposeForMonitoring();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
registerServiceWorker();
