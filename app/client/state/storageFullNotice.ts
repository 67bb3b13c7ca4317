import type { WorkspaceActionType } from '../../shared/client.js';
import type { WorkspaceState } from './workspaceState.js';

/** What the agent is told when an action could not be saved for want of room: what is kept, and what to do. */
export function storageFullNotice(type: WorkspaceActionType): NonNullable<WorkspaceState['refusedAction']> {
  const kept = type === 'send' ? 'Your reply is still in the box. ' : '';
  return {
    message: `Not saved: this device's storage is full, even after removing cached images. ${kept}Free some space on this device (or close other sites' tabs and data), then try again. Nothing queued before was lost.`,
    at: Date.now(),
  };
}
