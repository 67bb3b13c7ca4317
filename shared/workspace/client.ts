// The workspace's client-side names: its IndexedDB schema and helpers. Server code imports ./index.js only.
export {
  openWorkspaceDatabase,
  deleteWorkspaceDatabase,
  readConversationMessages,
  workspaceDatabaseName,
  workspaceDatabasePrefix,
  workspaceMigrations,
  type WorkspaceDatabase,
  type WorkspaceDatabaseSchema,
} from './workspaceDatabase.js';
export { mediaCacheName, isAgentDataCache } from './cacheNames.js';
