/**
 * The delta-sync page an event-stream `change` event carries, and the cursor it follows (`from`), or
 * undefined when the event carries none to apply: no `from` (an older server), `withheld` (too large to
 * carry: the client pulls it), not JSON, or rows the app's `isPage` does not accept. Undefined always
 * means "pull instead", so a page that cannot be trusted is never applied.
 */
export function pushedPage<Page extends { cursor: string }>(
  data: string | undefined,
  isPage: (value: Record<string, unknown>) => boolean,
): { from: string; page: Page } | undefined {
  if (!data) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const sequence = /^\d{1,19}$/;
  if (record.withheld === true || typeof record.from !== 'string' || typeof record.cursor !== 'string') return undefined;
  if (!sequence.test(record.from) || !sequence.test(record.cursor) || typeof record.hasMore !== 'boolean' || !isPage(record)) return undefined;
  return { from: record.from, page: record as unknown as Page };
}
