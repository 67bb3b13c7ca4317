import { isDemo } from '../../demo/demoMode.js';

/**
 * The in-browser demo keeps its local data in a world of its own: its session, workspace databases and
 * outboxes are named apart from the real ones (`demo`), so a visitor trying the demo in a browser where
 * an agent works for real can neither read nor delete the agent's data — unsent actions above all.
 */
export const demoNamespace = 'demo';

export function localNamespace(): string | undefined {
  return isDemo() ? demoNamespace : undefined;
}
