/**
 * Date formatting for lists. One Intl.DateTimeFormat each, made once: `toLocaleString()` builds a new
 * formatter per call, which costs real time across a 500-message conversation or a scrolling inbox.
 */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** Today: the time; before: the day. */
export function formatShort(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return date.toDateString() === now.toDateString() ? timeOfDay.format(date) : monthDay.format(date);
}
