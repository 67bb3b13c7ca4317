import { openWorkspaceDatabase, workspaceDatabaseName, type WorkspaceDatabase, type WorkspaceDatabaseHandlers } from '../../shared/client.js';
import type { SignedIn } from '../api/ApiClient.js';
import { localNamespace } from './localNamespace.js';

/**
 * Cold start: the first IndexedDB open in a page costs 100–200 ms here. Starting it from main.tsx, before
 * React renders, overlaps that with rendering; the store then takes the connection already opening (and
 * hands it its handlers: they are called through the entry, which the store fills in).
 */
let early: { name: string; db: Promise<WorkspaceDatabase>; handlers: WorkspaceDatabaseHandlers } | undefined;

export function preopenWorkspaceDatabase(session: SignedIn | null): void {
  if (!session) return;
  const entry = {
    name: workspaceDatabaseName(session.tenant.id, session.agent.id, localNamespace()),
    handlers: {} as WorkspaceDatabaseHandlers,
    db: undefined as unknown as Promise<WorkspaceDatabase>,
  };
  entry.db = openWorkspaceDatabase(
    session.tenant.id,
    session.agent.id,
    {
      onVersionChange: () => entry.handlers.onVersionChange?.(),
      onBlocked: () => entry.handlers.onBlocked?.(),
    },
    localNamespace(),
  );
  entry.db.catch(() => undefined);
  early = entry;
}

/** The pre-opened connection for this agent, once; otherwise a new one. */
export function openWorkspaceDatabaseOnce(tenantId: string, agentId: string, handlers: WorkspaceDatabaseHandlers): Promise<WorkspaceDatabase> {
  if (early && early.name === workspaceDatabaseName(tenantId, agentId, localNamespace())) {
    const taken = early;
    early = undefined;
    taken.handlers = handlers;
    return taken.db;
  }
  return openWorkspaceDatabase(tenantId, agentId, handlers, localNamespace());
}
