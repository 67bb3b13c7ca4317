import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ApiClient, SignedIn } from '../api/ApiClient.js';
import { isDemo } from '../../demo/demoMode.js';
import { saveSession } from '../state/session.js';

const noSubscription = () => () => {};
/** Whether this page runs the demo; false in the prerendered markup, so hydration matches. */
export const useIsDemo = () => useSyncExternalStore(noSubscription, isDemo, () => false);

/**
 * Says that this is the demo, lets the visitor act as another of its agents (to see a change reach a
 * colleague), and offers to start it over (the seed) or, in a normal deployment, to leave it.
 */
export function DemoBanner({ api, session }: { api?: ApiClient; session?: SignedIn | null }) {
  const demo = useIsDemo();
  if (!demo) return null;
  const demoOnly = import.meta.env.VITE_DEMO_ONLY === '1';
  return (
    <aside className="notice demo-banner" aria-label="Demo">
      <strong>Demo</strong> <span>runs in this browser only</span>
      {api && session && <ActAs api={api} email={session.agent.email} />}
      <button type="button" onClick={() => void import('../../demo/startDemo.js').then((demoModule) => demoModule.resetDemo())}>
        Reset demo
      </button>
      {!demoOnly && (
        <button type="button" onClick={() => void import('../../demo/startDemo.js').then((demoModule) => demoModule.leaveDemo())}>
          Leave the demo
        </button>
      )}
    </aside>
  );
}

/** "Act as": the demo's agents; picking one signs in as them (any password) and opens their workspace. */
function ActAs({ api, email }: { api: ApiClient; email: string }) {
  const [accounts, setAccounts] = useState<string[]>([]);
  const [switching, setSwitching] = useState(false);
  useEffect(() => {
    api.demoAccounts().then(
      ({ accounts: found }) => setAccounts(found),
      () => undefined,
    );
  }, [api]);
  if (accounts.length === 0) return null;
  return (
    <label>
      Act as{' '}
      <select
        value={email}
        disabled={switching}
        onChange={async (event) => {
          setSwitching(true);
          try {
            saveSession(await api.signIn(event.target.value, 'demo'));
            // A new page for the new agent: their own local data, outbox and stream, nothing of the last one's in memory.
            location.reload();
          } catch {
            setSwitching(false);
          }
        }}
      >
        {accounts.map((account) => (
          <option key={account} value={account}>
            {account}
          </option>
        ))}
      </select>
    </label>
  );
}
