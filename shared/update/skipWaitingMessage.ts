/** What a page posts to a waiting worker of the app to make it take over now (the user's "Update"). */
export const skipWaitingMessage = { type: 'holdfast:skip-waiting' } as const;

export function isSkipWaitingMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === skipWaitingMessage.type;
}
