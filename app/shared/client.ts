// The workspace's client-side names: its IndexedDB schema and helpers. Server code imports ./index.js only.
export {
  openWorkspaceDatabase,
  readConversationMessages,
  workspaceDatabaseName,
  workspaceDatabasePrefix,
  type WorkspaceDatabaseHandlers,
  type WorkspaceDatabase,
} from './workspaceDatabase.js';
export { mergeMessages, storeThreadMessages, type MessageThread } from './messageThreads.js';
export { mediaCacheName, isAgentDataCache, wipeAgentDataMessage } from './cacheNames.js';
export { againstServerState, createWorkspaceAction } from './createWorkspaceAction.js';
export type { WorkspaceActionPayloads, WorkspaceActionType } from './definitions/index.js';
export type * from './types.js';
export { compactWorkspaceActions } from './compactionRule.js';
export { workspaceLegacyTargetField } from './legacyTargetField.js';
export { conversationWithPending, messagesWithPending, type ConversationView, type PendingMessage } from './optimisticView.js';
