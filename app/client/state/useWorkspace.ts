import { createContext, useContext } from 'react';
import { useStoreSelector } from 'holdfast/react';
import type { WorkspaceState, WorkspaceStore } from './WorkspaceStore.js';

export const WorkspaceContext = createContext<WorkspaceStore | null>(null);

export function useWorkspaceStore(): WorkspaceStore {
  const store = useContext(WorkspaceContext);
  if (!store) throw new Error('useWorkspaceStore needs a <WorkspaceContext.Provider>.');
  return store;
}

/** The store's snapshot; `select` must return a value already in the snapshot (no new objects). */
export function useWorkspace<T>(select: (state: WorkspaceState) => T): T {
  return useStoreSelector(useWorkspaceStore(), select);
}
