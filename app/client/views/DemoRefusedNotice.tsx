import { useEffect, useState } from 'react';
import { demoRefusedKey } from '../../demo/demoMode.js';

const readRefusal = (): number => {
  try {
    return Number(sessionStorage.getItem(demoRefusedKey) ?? 0);
  } catch {
    return 0;
  }
};

/**
 * Said once after "Try the demo" did not open it: real actions in this browser have not reached the
 * server, and the demo would put them at risk. The agent lets them send, then tries again.
 */
export function DemoRefusedNotice() {
  // Read after the first render: the prerendered sign-in screen has no notice, and hydration must match it.
  const [unsent, setUnsent] = useState(0);
  useEffect(() => setUnsent(readRefusal()), []);
  if (unsent === 0) return null;
  const dismiss = () => {
    sessionStorage.removeItem(demoRefusedKey);
    setUnsent(0);
  };
  return (
    <aside className="notice notice-info" role="alert" aria-label="Demo not started">
      <span>
        The demo did not open: {unsent === 1 ? '1 action' : `${unsent} actions`} taken in this browser {unsent === 1 ? 'has' : 'have'} not reached the server
        yet. Sign in and let {unsent === 1 ? 'it' : 'them'} send, then try the demo again.
      </span>{' '}
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </aside>
  );
}
