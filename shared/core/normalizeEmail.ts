/**
 * The one spelling of an email address the server stores, looks up and counts sign-in failures under:
 * trimmed, Unicode NFKC (compatibility forms folded: full-width letters, ligatures), then lower case by
 * Unicode's locale-independent rules, then NFKC again (lower-casing can leave a decomposed sequence).
 *
 * The same function runs on write (seeds, agent creation) and on lookup, so no second rule — PostgreSQL's
 * `lower()`, which follows the database's locale — can name an account the throttle counted under another
 * key. "elİ@example.com" (dotted capital I) becomes "eli̇@example.com" (i + combining dot), which is not
 * "eli@example.com": a different, unknown account, not a fresh count for eli.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}
