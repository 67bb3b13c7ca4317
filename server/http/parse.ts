import type { z } from 'zod';
import { ApiError } from './ApiError.js';

/** Validates a request part with a zod schema; a mismatch is a 400 that lists every issue. */
export function parseOr400<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const summary = issues
      .slice(0, 3)
      .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
      .join('; ');
    throw new ApiError('invalid-request', issues, `The request does not match the expected shape: ${summary}.`);
  }
  return result.data;
}
