import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { registerServiceWorker } from './registerServiceWorker.js';
import { listenToCascade } from './state/cascadeHealth.js';
import { exposeForMonitoring } from './state/exposeForMonitoring.js';
import { preopenWorkspaceDatabase } from './state/preopenDatabase.js';
import { loadSession } from './state/session.js';
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
