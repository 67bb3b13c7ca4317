/** The outbox of one member of one team (its IndexedDB database, lock and sync tag are named after it). */
export const outboxScopeOf = (tenantId: string, memberId: string) => `tasks:${tenantId}:${memberId}`;

/** What the page posts to the worker at sign-out (worker/sw.ts wipes on it). */
export const wipeMessage = 'holdfast-tasks:wipe';
