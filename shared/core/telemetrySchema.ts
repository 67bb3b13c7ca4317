import { z } from 'zod';
import { boundedInstant, storableText } from './textSchemas.js';
import { telemetryKinds, telemetryLimits } from './telemetry.js';

/** POST /api/telemetry's body, as the server validates it. */
export const telemetryBatchSchema = z.strictObject({
  events: z
    .array(
      z.strictObject({
        id: z.uuid({ error: 'each event needs a UUID id' }),
        kind: z.enum(telemetryKinds),
        at: boundedInstant,
        detail: z
          // Text PostgreSQL's jsonb can store (no NUL, no lone surrogate): anything else is a 400, never a 500.
          .record(
            storableText({ max: 64, trim: false, name: 'a detail’s name' }),
            z.union([storableText({ max: telemetryLimits.maxStringLength, trim: false, name: 'a detail' }), z.number(), z.boolean(), z.null()]),
          )
          .refine((detail) => Object.keys(detail).length <= telemetryLimits.maxDetailKeys, {
            error: `at most ${telemetryLimits.maxDetailKeys} details per event`,
          })
          .default({}),
      }),
    )
    .min(1)
    .max(telemetryLimits.maxEvents),
});
