/**
 * Whether this page runs the demo (a backend inside the browser, no server). Small and free of the demo's
 * own code, so the entry can ask without loading it: a build for static hosting (`npm run demo`,
 * VITE_DEMO_ONLY=1) is always the demo; a normal deployment enters it from "Try the demo" (`/?demo`),
 * remembered in localStorage until the visitor leaves it.
 */
export const demoFlagKey = 'holdfast.demo';

let demo: boolean | undefined;

/** Read once per page: entering or leaving the demo loads the page anew (and renders ask on every pass). */
export function isDemo(): boolean {
  if (demo === undefined) {
    try {
      demo = import.meta.env.VITE_DEMO_ONLY === '1' || localStorage.getItem(demoFlagKey) === '1';
    } catch {
      demo = false;
    }
  }
  return demo;
}

/** `/?demo` enters the demo: remembered, and the address cleaned. */
export function enterDemoIfAsked(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('demo')) return;
  localStorage.setItem(demoFlagKey, '1');
  demo = true;
  url.searchParams.delete('demo');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

/** Where attachments come from: the demo's backend instead of the server, once the demo has started. */
let mediaResolver: ((url: string) => Promise<string>) | null = null;
export const setMediaResolver = (resolve: (url: string) => Promise<string>) => {
  mediaResolver = resolve;
};
export const resolveMedia = (url: string): Promise<string> | null => (mediaResolver ? mediaResolver(url) : null);

/** Where a refused demo leaves its reason for the real app to show (DemoRefusedNotice): how many actions wait. */
export const demoRefusedKey = 'holdfast.demoRefused';

/**
 * The demo must not start (real work waits: startDemo's DemoRefused): this page runs the real app after
 * all, and says why once.
 */
export function cancelDemo(unsent: number): void {
  localStorage.removeItem(demoFlagKey);
  sessionStorage.setItem(demoRefusedKey, String(unsent));
  demo = false;
}
