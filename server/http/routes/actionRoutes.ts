import type { FastifyInstance } from 'fastify';
import { MissingTargetsError } from '../../actions/ActionEngine.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import { handOutWritePosition } from '../readPosition.js';
import type { ServerContext } from '../ServerContext.js';
import { heavy } from '../fairShareHooks.js';

/**
 * POST /api/actions — the action protocol (docs/protocol.md). The whole batch is validated before
 * anything is applied: a malformed action or a target outside the tenant fails the request with a 4xx
 * and changes nothing. After that, each action gets its own result.
 */
export function actionRoutes(app: FastifyInstance, context: ServerContext) {
  const batchSchema = context.app.actions.batchSchema(context.maxActionsPerBatch);
  app.post('/api/actions', { config: heavy }, async (request, reply) => {
    const session = sessionOf(request);
    const { actions } = parseOr400(batchSchema, request.body);
    try {
      const results = await context.engine.applyBatch({ tenantId: session.tenantId, agentId: session.agentId, agentName: session.agentName }, actions);
      context.metrics.countActions(results);
      // Behind a read replica: the position the writer's next sync reads must see.
      const position = results.some((result) => result.status === 'applied') ? await context.reads.writePosition() : undefined;
      if (position) handOutWritePosition(request, reply, position, context.crossOrigin);
      return { results };
    } catch (error) {
      if (error instanceof MissingTargetsError) throw context.app.missingTargets?.(error.ids) ?? new ApiError('target-not-found', { targetIds: error.ids });
      throw error;
    }
  });
}
