import { ServiceWorkerUpdates } from 'holdfast/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { NotesApp } from './NotesApp.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <NotesApp />
  </StrictMode>,
);

// The worker serves the app offline and replays the outbox once every tab is closed (Background Sync).
// ServiceWorkerUpdates registers it again if its first install fails (a file of the app not loaded).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void new ServiceWorkerUpdates().register('/sw.js', { scope: '/' });
}
