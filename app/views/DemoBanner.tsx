import { useSyncExternalStore } from 'react';
import { isDemo } from '../demo/demoMode.js';

const noSubscription = () => () => {};
/** Whether this page runs the demo; false in the prerendered markup, so hydration matches. */
export const useIsDemo = () => useSyncExternalStore(noSubscription, isDemo, () => false);

/** Says that this is the demo, and offers to start it over (the seed) or, in a normal deployment, to leave it. */
export function DemoBanner() {
  const demo = useIsDemo();
  if (!demo) return null;
  const demoOnly = import.meta.env.VITE_DEMO_ONLY === '1';
  return (
    <aside className="notice demo-banner" aria-label="Demo">
      <strong>Demo</strong> <span>runs in this browser only</span>
      <button type="button" onClick={() => void import('../demo/startDemo.js').then((demoModule) => demoModule.resetDemo())}>
        Reset demo
      </button>
      {!demoOnly && (
        <button type="button" onClick={() => void import('../demo/startDemo.js').then((demoModule) => demoModule.leaveDemo())}>
          Leave the demo
        </button>
      )}
    </aside>
  );
}
