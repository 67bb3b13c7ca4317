/**
 * How long a reply is held so the agent can take it back: their choice, kept per agent on this device.
 * Off sends at once (a customer in a live chat waits for nothing); 4 s is the default; 10 s for the careful.
 * Only replies are held, never a close, reopen or assignment.
 */
export const undoWindowChoices = [
  { ms: 0, label: 'Send at once' },
  { ms: 4000, label: 'Undo for 4 s' },
  { ms: 10_000, label: 'Undo for 10 s' },
] as const;

const defaultUndoWindowMs = 4000;

const key = (tenantId: string, agentId: string) => `holdfast.undoWindow:${tenantId}:${agentId}`;

/** The agent's choice; the default when none is stored, or when what is stored is not one of the choices. */
export function readUndoWindow(tenantId: string, agentId: string): number {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(key(tenantId, agentId));
  } catch {
    // Storage refused (a locked-down browser): the default.
  }
  const ms = Number(stored);
  return stored !== null && undoWindowChoices.some((choice) => choice.ms === ms) ? ms : defaultUndoWindowMs;
}

export function saveUndoWindow(tenantId: string, agentId: string, ms: number): void {
  if (!undoWindowChoices.some((choice) => choice.ms === ms))
    throw new Error(`The undo window is one of ${undoWindowChoices.map((choice) => choice.ms).join(', ')} ms, not ${ms}.`);
  try {
    localStorage.setItem(key(tenantId, agentId), String(ms));
  } catch {
    // Not kept on this device; it still applies until the tab closes.
  }
}
