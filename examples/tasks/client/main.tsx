import { ServiceWorkerUpdates } from 'holdfast/client';
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
// ServiceWorkerUpdates registers it again when its first install fails (a file of the shell not loaded).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void new ServiceWorkerUpdates().register('/sw.js', { scope: '/' }));
}
