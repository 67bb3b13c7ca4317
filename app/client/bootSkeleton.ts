/**
 * index.html shows a skeleton of the workspace before any script runs when an agent is signed in (its
 * inline script reads the stored session). React takes over from it: the workspace once it renders, or
 * the sign-in screen when there turns out to be no session after all.
 */
export function dismissBootSkeleton(): void {
  document.querySelector('.app-skeleton')?.remove();
  delete document.documentElement.dataset.boot;
}
