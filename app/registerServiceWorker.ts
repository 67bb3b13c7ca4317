/** Registers the service worker of the production build; the dev server has none. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
      console.warn('Service worker registration failed; the app works online without it.', error);
    });
  };
  // After the page's load, so installing the worker does not compete with the first render. Behind CDN
  // hosts the page's fallback loader inserts this script itself, possibly after `load` has fired.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
