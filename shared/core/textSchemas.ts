import { z } from 'zod';
import { hasUnstorableCharacters, isVisiblyEmpty } from './textRules.js';

/**
 * Validation that matches the database: what passes these schemas, PostgreSQL stores. Refusing (a 400
 * that names the field) rather than silently rewriting, so a client learns its input was bad; clients
 * that take text from people clean it first (`normalizeText`). Documented in docs/protocol.md.
 */

export type TextSchemaOptions = {
  /** Most characters (UTF-16 code units, as `String.length` counts). */
  max: number;
  /** Trim white space at both ends first. Default true. */
  trim?: boolean;
  /** Refuse text with nothing visible in it (only spaces, zero-width or format characters). Default false. */
  visible?: boolean;
  /** The field's name in messages. */
  name: string;
};

export function storableText({ max, trim = true, visible = false, name }: TextSchemaOptions) {
  let schema = z.string({ error: `${name} must be a string` });
  if (trim) schema = schema.trim();
  return schema
    .max(max, { error: `${name} holds at most ${max} characters` })
    .refine((text) => !hasUnstorableCharacters(text), { error: `${name} contains a NUL character or a lone UTF-16 surrogate, which cannot be stored` })
    .refine((text) => !visible || !isVisiblyEmpty(text), { error: `${name} cannot be empty or invisible` });
}

/** The earliest and latest instants the protocol takes: far from the column's limits, near any real clock. */
export const instantBounds = { earliest: Date.UTC(2000, 0, 1), latest: Date.UTC(2100, 0, 1) } as const;

/**
 * An ISO 8601 date-time with an offset, that names a real calendar day (no 31 February) and falls within
 * `instantBounds`. zod's own check is a pattern: it lets `0000-01-01T00:00:00Z` and `2023-02-31` through,
 * and PostgreSQL then fails the insert.
 */
export const boundedInstant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T09:30:00Z' })
  .refine(isRealDate, { error: 'is not a real calendar date' })
  .refine(
    (value) => {
      const at = Date.parse(value);
      return at >= instantBounds.earliest && at < instantBounds.latest;
    },
    { error: 'must fall between the years 2000 and 2099' },
  );

function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(value));
}

/** Largest value of a PostgreSQL `bigint`: a sequence cursor past it cannot be compared with the column. */
export const maxBigint = 9_223_372_036_854_775_807n;

/** A delta-sync or event cursor: a non-negative integer that fits a `bigint` column. */
export const cursorSchema = z
  .string()
  .regex(/^\d{1,19}$/, { error: 'cursor must be a non-negative integer' })
  // Zod runs this check even when the pattern failed: guard it, or BigInt('abc') throws past the schema.
  .refine((value) => !/^\d{1,19}$/.test(value) || BigInt(value) <= maxBigint, { error: 'cursor is larger than any change sequence' });

/** Parses a cursor from a header or query value; undefined when it is not a valid one. */
export function parseCursor(value: unknown): bigint | undefined {
  return cursorSchema.safeParse(value).success ? BigInt(value as string) : undefined;
}

/** Largest value of a PostgreSQL `integer` column, such as a target's version. */
export const maxInt32 = 2_147_483_647;
