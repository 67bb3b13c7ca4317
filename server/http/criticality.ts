import type { FastifyRequest } from 'fastify';
import type { Database, Executor } from '../db/Database.js';
import { ApiError } from './ApiError.js';

/**
 * How much a request matters when the server is overloaded (LoadShedder):
 * - `critical` (the default): actions, sign-in, reads of messages — what an agent cannot work without.
 *   Never refused for load.
 * - `sheddable`: what an agent can do without for a while — presence, typing, telemetry. Refused first,
 *   with 429 and Retry-After, and its database work runs under a short statement timeout.
 * - `stream`: the event stream, which has its own safeguard (StreamRegistry) and is not counted in flight.
 *
 * A route says so in its config: `app.post('/api/presence', { config: sheddable }, handler)`.
 */
export type Criticality = 'critical' | 'sheddable' | 'stream';

declare module 'fastify' {
  interface FastifyContextConfig {
    criticality?: Criticality;
  }
}

export const sheddable = { criticality: 'sheddable' } as const satisfies { criticality: Criticality };

export function criticalityOf(request: FastifyRequest): Criticality {
  return request.routeOptions.config?.criticality ?? 'critical';
}

/**
 * Runs sheddable database work in a transaction that PostgreSQL cancels after `timeoutMs` (SET LOCAL
 * statement_timeout): a slow database makes presence fail fast instead of holding a connection that an
 * action needs. The default, 250 ms, is far above such a query's normal time (~1 ms). Embedded PGlite
 * accepts the setting but does not enforce it (one query at a time, no timer signal): there the load
 * shedder's database-wait signal is what keeps sheddable work off an action's path.
 */
export function withStatementTimeout<T>(db: Database, work: (tx: Executor) => Promise<T>, timeoutMs = 250): Promise<T> {
  // PGlite would not enforce it: no transaction's round trips for nothing.
  if (db.kind === 'pglite') return work(db);
  return db
    .transaction(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      return work(tx);
    })
    .catch((error: unknown) => {
      // 57014 query_canceled: the timeout fired. The caller answers 503 with Retry-After, not a failure.
      if ((error as { code?: string }).code === '57014') throw new ApiError('statement-timeout');
      throw error;
    });
}
