import type { AppErrorDefinition } from 'holdfast/server';

/** The workspace's own API error: a conversation that is not in the caller's tenant (or nowhere). */
export const conversationNotFound: AppErrorDefinition = { code: 'conversation-not-found', status: 404, message: 'No such conversation in your workspace.' };
