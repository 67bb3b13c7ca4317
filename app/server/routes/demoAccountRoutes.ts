import type { FastifyInstance } from 'fastify';
import { verifyPassword } from 'holdfast/server';
import type { Queryable } from 'holdfast/server';
import { demoAgentEmails, demoPassword } from '../seed/seedDemo.js';

/** What the sign-in screen may offer as a hint: the demo's accounts, only where they exist as seeded. */
export type DemoAccounts = { accounts: string[]; password: string | null };

/**
 * GET /api/demo-accounts — the demo's agents and their password, when this database holds them as `SEED=demo`
 * made them (each email there, with the demo password still its password); otherwise none. A production
 * database, seeded by nobody, answers none, and its sign-in screen shows no hint. Checked once a minute at
 * most (one scrypt), whoever asks.
 */
export function demoAccountRoutes(app: FastifyInstance, db: Queryable) {
  let cached: { at: number; answer: Promise<DemoAccounts> } | undefined;
  const read = async (): Promise<DemoAccounts> => {
    const { rows } = await db.query<{ email: string; password_hash: string }>(
      'SELECT email, password_hash FROM agents WHERE email = ANY($1::text[]) ORDER BY email',
      [demoAgentEmails],
    );
    const seeded = rows.length === demoAgentEmails.length && (await verifyPassword(demoPassword, rows[0]!.password_hash));
    return seeded ? { accounts: rows.map((row) => row.email), password: demoPassword } : { accounts: [], password: null };
  };
  app.get('/api/demo-accounts', async (_request, reply) => {
    if (!cached || Date.now() - cached.at > 60_000) {
      cached = { at: Date.now(), answer: read() };
      cached.answer.catch(() => (cached = undefined));
    }
    reply.header('cache-control', 'no-store');
    return cached.answer;
  });
}
