import type { FastifyInstance } from 'fastify';

const reportTypes = ['application/csp-report', 'application/reports+json'];

/**
 * POST /api/csp-reports — where browsers report what the Content-Security-Policy blocked. Logged at warn
 * level: a report is either an attack stopped or a part of the app the policy forgot, and operators want
 * to see both. Public (a browser sends no credentials with it), rate-limited, small bodies only.
 */
export function cspReportRoutes(app: FastifyInstance) {
  app.addContentTypeParser(reportTypes, { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(null, { unparsable: String(body).slice(0, 200) });
    }
  });
  app.post('/api/csp-reports', { preHandler: app.rateLimit({ max: 100, timeWindow: 60_000 }) }, async (request, reply) => {
    request.log.warn({ report: request.body }, 'content security policy violation');
    return reply.code(204).send();
  });
}
