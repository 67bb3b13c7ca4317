// The agent workspace's domain module: its data types, its action registrations, its conflict rules.
export * from './types.js';
export {
  workspaceActions,
  createWorkspaceAction,
  sendPayload,
  type WorkspaceAction,
  type WorkspaceActionType,
  type WorkspaceActionPayloads,
} from './actions.js';
export { judgeWorkspaceAction, type ChangeSinceBase } from './conflictRules.js';
