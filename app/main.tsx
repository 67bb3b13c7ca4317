import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { registerServiceWorker } from './registerServiceWorker.js';
import { preopenWorkspaceDatabase } from './state/preopenDatabase.js';
import { loadSession } from './state/session.js';
import './styles.css';

preopenWorkspaceDatabase(loadSession());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
registerServiceWorker();
