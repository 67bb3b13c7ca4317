import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TasksApp } from './views/TasksApp.js';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TasksApp />
  </StrictMode>,
);

// The worker serves the shell offline and replays the outbox after every tab is closed (Background Sync).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .catch((error: unknown) => console.warn('No service worker; the list works online without it.', error));
  });
}
