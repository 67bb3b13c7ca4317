/**
 * The engines the end-to-end scenarios run in: Debian's Chromium, Firefox ESR and WebKitGTK; and Chromium
 * as a browser without Background Sync would be (`chromium-no-background-sync`), for the tabs-closed path.
 */
export type EngineName = 'chromium' | 'chromium-no-background-sync' | 'firefox' | 'webkit';

/** One tab: where it is, and code run in it. Drivers differ (Playwright, WebDriver BiDi, classic WebDriver); scenarios do not. */
export interface EngineTab {
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` in the page and resolves with its (JSON) result; `fn` must not close over anything. */
  evaluate<Result, Arg = undefined>(fn: (arg: Arg) => Result | Promise<Result>, arg?: Arg): Promise<Result>;
  /** Goes back in the tab's history (the engine's own back: a page cache may restore the page). */
  back(): Promise<void>;
  close(): Promise<void>;
}

/** One browser profile of its own (nothing shared with other tests): its tabs, and closing it all. */
export interface EngineBrowser {
  readonly name: EngineName;
  newTab(): Promise<EngineTab>;
  close(): Promise<void>;
}

/**
 * `fn(arg)` as a script for any driver. Test code goes through esbuild (tsx), which wraps named functions in
 * `__name(…)`: the page has no such helper, so the script brings its own.
 */
export function scriptFor(fn: (arg: never) => unknown, arg: unknown): string {
  return `(() => { const __name = (target) => target; return (${fn.toString()})(${JSON.stringify(arg ?? null)}); })()`;
}
