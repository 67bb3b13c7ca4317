import { z } from 'zod';
import { boundedInstant } from './textSchemas.js';
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
          .record(z.string().max(64), z.union([z.string().max(telemetryLimits.maxStringLength), z.number(), z.boolean(), z.null()]))
          .refine((detail) => Object.keys(detail).length <= telemetryLimits.maxDetailKeys, { error: `at most ${telemetryLimits.maxDetailKeys} details per event` })
          .default({}),
      }),
    )
    .min(1)
    .max(telemetryLimits.maxEvents),
});
