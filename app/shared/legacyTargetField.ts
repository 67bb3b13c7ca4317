// Apart from actions.ts so the page and the service worker can read it without loading zod.
/** What the workspace's action envelope called its target before the framework named it `targetId`. */
export const workspaceLegacyTargetField = 'conversationId';
