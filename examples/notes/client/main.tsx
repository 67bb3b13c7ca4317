import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { NotesApp } from './NotesApp.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <NotesApp />
  </StrictMode>,
);

// The worker serves the app offline and replays the outbox once every tab is closed (Background Sync).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => console.warn('No service worker: the app works online only.', error));
}
