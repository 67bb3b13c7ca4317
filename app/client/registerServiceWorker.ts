import { ServiceWorkerUpdates } from 'holdfast/client';

/**
 * New versions of the app: found by the browser (and checked every 30 minutes), installed in the
 * background, applied in every tab when the agent clicks "Update" (views/UpdateBanner.tsx). Before a tab
 * reloads onto the new version, what it must keep is saved (the signed-in app adds its drafts).
 */
export const appUpdates = new ServiceWorkerUpdates();

/** Registers the service worker of the production build; the dev server has none. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // A first install that fails (a busy server, a cut connection) is registered again shortly.
  const register = () => void appUpdates.register('/sw.js', { scope: '/' });
  // After the page's load, so installing the worker does not compete with the first render. Behind CDN
  // hosts the page's fallback loader inserts this script itself, possibly after `load` has fired.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
