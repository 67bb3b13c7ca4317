import type { FastifyInstance } from 'fastify';
import { LogSampler } from '../LogSampler.js';
import type { ServerContext } from '../ServerContext.js';

const reportTypes = ['application/csp-report', 'application/reports+json'];
const maxReportBytes = 16_384;
const maxFieldLength = 200;

/**
 * POST /api/csp-reports — where browsers report what the Content-Security-Policy blocked. Logged at warn
 * level: a report is either an attack stopped or a part of the app the policy forgot, and operators want
 * to see both. Public (a browser sends no credentials with it), so everything about it is bounded: the
 * report content types only (anything else is a 415), 16 KiB, 100 a minute per address, and each logged as
 * a summary of a few cut fields, at most `sampler`'s share a minute (the rest counted and said so).
 */
export function cspReportRoutes(app: FastifyInstance, context: ServerContext) {
  const sampler = new LogSampler({ perMinute: 20 });
  void app.register(async (reports) => {
    // Only the report types: JSON or text sent here is refused before a byte of it is read into memory.
    reports.removeAllContentTypeParsers();
    reports.addContentTypeParser(reportTypes, { parseAs: 'string', bodyLimit: maxReportBytes }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(null, { unparsable: true });
      }
    });
    reports.post('/api/csp-reports', { preHandler: reports.rateLimit({ max: 100, timeWindow: 60_000 }) }, async (request, reply) => {
      context.metrics.countCspReport();
      const decision = sampler.take();
      if (decision.suppressedBefore > 0)
        request.log.warn({ suppressed: decision.suppressedBefore }, 'content security policy violations not logged in the last minute');
      if (decision.log) request.log.warn({ report: summarize(request.body) }, 'content security policy violation');
      return reply.code(204).send();
    });
  });
}

/** The few fields an operator needs, from either report format, each cut to 200 characters. */
function summarize(body: unknown): Record<string, string> {
  const report = (Array.isArray(body) ? (body[0] as { body?: unknown } | undefined)?.body : (body as { 'csp-report'?: unknown } | null)?.['csp-report']) as
    | Record<string, unknown>
    | undefined;
  if (!report || typeof report !== 'object') return { unparsable: 'true' };
  const field = (...names: string[]) => {
    const value = names.map((name) => report[name]).find((candidate) => typeof candidate === 'string' || typeof candidate === 'number');
    return value === undefined ? '' : String(value).slice(0, maxFieldLength);
  };
  return {
    directive: field('effectiveDirective', 'effective-directive', 'violated-directive'),
    blocked: field('blockedURL', 'blocked-uri'),
    document: field('documentURL', 'document-uri'),
    source: field('sourceFile', 'source-file'),
    line: field('lineNumber', 'line-number'),
  };
}
