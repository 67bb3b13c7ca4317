/**
 * The names one outbox scope is known by, to every context that touches it: the page's tabs and the
 * service worker must agree on them exactly.
 */
export function outboxLockName(scope: string): string {
  return `holdfast-outbox-replay:${scope}`;
}
export function outboxChannelName(scope: string): string {
  return `holdfast-outbox:${scope}`;
}
/** Background Sync tags are per registration; the scope says which outbox to drain. */
export const backgroundSyncTagPrefix = 'holdfast-outbox:';
export function backgroundSyncTag(scope: string): string {
  return `${backgroundSyncTagPrefix}${scope}`;
}
