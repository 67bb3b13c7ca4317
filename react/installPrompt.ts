import { useSyncExternalStore } from 'react';

/** Chromium's install offer (not in TypeScript's DOM library: it is not a standard yet). */
type BeforeInstallPromptEvent = Event & { prompt(): Promise<void>; userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }> };

let offer: BeforeInstallPromptEvent | null = null;
let captured = false;
const listeners = new Set<() => void>();
// biome-ignore lint/suspicious/useIterableCallbackReturn: listeners return nothing; the short form keeps the sign-in page within its byte budget
const tell = () => listeners.forEach((listener) => listener());

/**
 * Keeps the browser's install offer for a button to use later. Call it once at start-up, before React
 * renders: the browser fires `beforeinstallprompt` whenever it decides the app is installable (often right
 * after load), and an event nobody held is gone. The offer is dropped once used or once the app is
 * installed (`appinstalled`).
 */
export function captureInstallPrompt(): void {
  if (captured || typeof window === 'undefined') return;
  captured = true;
  window.addEventListener('beforeinstallprompt', (event) => {
    // Our button asks instead of the browser's own mini-infobar.
    event.preventDefault();
    offer = event as BeforeInstallPromptEvent;
    tell();
  });
  window.addEventListener('appinstalled', () => {
    offer = null;
    tell();
  });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/**
 * The install offer, while the browser makes one: `install` shows the browser's dialog (answering whether
 * the user accepted), or null when there is nothing to offer (not installable, already installed, or
 * launched standalone).
 */
export function useInstallPrompt(): (() => Promise<boolean>) | null {
  const current = useSyncExternalStore(
    subscribe,
    () => offer,
    () => null,
  );
  if (!current || launchedAsApp()) return null;
  return async () => {
    await current.prompt();
    const { outcome } = await current.userChoice;
    // An offer can be shown once; the browser makes a new one if the user dismissed it.
    offer = null;
    tell();
    return outcome === 'accepted';
  };
}

/** Running as the installed app (its own window), where an install offer makes no sense. */
function launchedAsApp(): boolean {
  return (
    typeof matchMedia === 'function' &&
    ['standalone', 'window-controls-overlay', 'minimal-ui', 'fullscreen'].some((mode) => matchMedia(`(display-mode: ${mode})`).matches)
  );
}
