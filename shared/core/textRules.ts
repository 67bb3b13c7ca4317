// Apart from the schemas so a page can clean text without loading zod.

/**
 * What PostgreSQL cannot store, and what a person cannot see. A `text` or `jsonb` value refuses U+0000,
 * and `jsonb` refuses an escaped lone surrogate (`"\ud800"`): such input used to reach the database and
 * come back as a 500, which the outbox retried forever. The protocol refuses both with a 400
 * (textSchemas.ts); clients clean pasted text with `normalizeText` before it becomes an action.
 */

/** U+0000, or a UTF-16 surrogate without its partner. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is this pattern's job
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Characters that draw nothing on their own: white space, format characters (zero-width space and
 * joiners, bidi marks and overrides, the BOM), other controls, combining marks with no base, and the
 * blank fillers (Hangul fillers, the braille blank). Text made only of these counts as empty.
 */
const invisible = /^[\p{White_Space}\p{Cf}\p{Cc}\p{Mn}\p{Me}\u115f\u1160\u3164\uffa0\u2800]*$/u;

export function hasUnstorableCharacters(text: string): boolean {
  return unstorable.test(text);
}

export function isVisiblyEmpty(text: string): boolean {
  return invisible.test(text);
}

/**
 * Makes pasted text storable without changing what a person sees: drops U+0000 and replaces a lone
 * surrogate with U+FFFD (what any UTF-8 encoder would write for it).
 */
export function normalizeText(text: string): string {
  const withoutNul = text.replaceAll('\u0000', '');
  return withoutNul.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
