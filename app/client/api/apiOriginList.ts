/** Injected by vite.config.ts: the API's regions of this build (API_ORIGINS), preferred first; none: this origin. */
declare const __HOLDFAST_API_ORIGINS__: string[] | undefined;

/** The API's regions, preferred first; empty: the page's own origin. Kept apart so the sign-in screen reads it without loading ApiOrigins. */
export const apiOriginList: readonly string[] = typeof __HOLDFAST_API_ORIGINS__ === 'undefined' ? [] : __HOLDFAST_API_ORIGINS__;
