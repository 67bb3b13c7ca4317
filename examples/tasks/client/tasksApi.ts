import { jsonApi } from 'holdfast/client';
import type { Member, TaskSyncPage } from '../shared/taskTypes.js';

export type SignedIn = { agent: Member; tenant: { id: string; name: string } };

/** The task list's endpoints on the reference server; the framework's jsonApi does the HTTP. */
export function tasksApi(onUnauthorized: () => void = () => {}) {
  const request = jsonApi({ onUnauthorized });
  return {
    signIn: (email: string, password: string) =>
      request<SignedIn>('/api/login', { method: 'POST', body: JSON.stringify({ email, password, session: 'cookie' }) }),
    signOut: () => request<void>('/api/logout', { method: 'POST' }),
    sync: (cursor: string, signal: AbortSignal) => request<TaskSyncPage>(`/api/sync?cursor=${encodeURIComponent(cursor)}&limit=500`, { signal }),
    members: (signal?: AbortSignal) => request<{ members: Member[] }>('/api/members', { signal }),
  };
}

export type TasksApi = ReturnType<typeof tasksApi>;
