import { normalizeEmail } from 'holdfast/core';
import type { Database, Executor } from 'holdfast/server';
import { drawDemoImage, type DemoPixels } from './demoImages.js';
import { agentLines, cannedReplies, customerLines, firstNames, lastNames, subjects } from './demoText.js';

export const demoPassword = 'holdfast';

/**
 * What the seed needs from where it runs: the server (nodeSeedPlatform.ts: scrypt, pngjs) or the
 * in-browser demo (the browser's own). Everything else — the data, the SQL — is the same code.
 */
export type SeedPlatform = {
  hashPassword: (password: string) => Promise<string>;
  encodePng: (image: DemoPixels) => Promise<Uint8Array>;
};

// Web Crypto's: in Node 20 and every browser alike.
const randomUUID = () => globalThis.crypto.randomUUID();

export type SeedOptions = {
  /** Conversations of the demo tenant (Acme). */
  conversations?: number;
  /** Messages per conversation, on average. */
  messagesPerConversation?: number;
  images?: number;
  /** Fixed so that every seeded database holds the same demo. */
  seed?: number;
};

const demoAgents = [
  { email: 'alice@example.com', name: 'Alice Martin' },
  { email: 'bob@example.com', name: 'Bob Chen' },
  { email: 'dana@example.com', name: 'Dana Kim' },
  { email: 'eli@example.com', name: 'Eli Sato' },
];
/** The demo's agents of the first tenant, as the sign-in screen may name them (routes/demoAccountRoutes.ts). */
export const demoAgentEmails = demoAgents.map((agent) => agent.email);
/** A second tenant, so every test of tenant isolation has someone else's data to fail to reach. */
const otherTenantAgents = [{ email: 'carol@globex.example', name: 'Carol Diaz' }];

export async function isSeeded(db: Database): Promise<boolean> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM tenants');
  return Number(rows[0]!.n) > 0;
}

/** Creates the demo tenants in one transaction: all of it or nothing. */
export async function seedDemo(db: Database, platform: SeedPlatform, options: SeedOptions = {}): Promise<void> {
  const { conversations = 240, messagesPerConversation = 24, images = 24, seed = 20261123 } = options;
  const random = mulberry32(seed);
  const passwordHash = await platform.hashPassword(demoPassword);
  await db.transaction(async (tx) => {
    await seedTenant(tx, random, platform, {
      name: 'Acme Support',
      agents: demoAgents,
      passwordHash,
      conversations,
      messagesPerConversation,
      images,
      withCannedReplies: true,
    });
    await seedTenant(tx, random, platform, {
      name: 'Globex Help Desk',
      agents: otherTenantAgents,
      passwordHash,
      conversations: 5,
      messagesPerConversation: 4,
      images: 2,
      withCannedReplies: true,
    });
  });
}

type TenantPlan = {
  name: string;
  agents: { email: string; name: string }[];
  passwordHash: string;
  conversations: number;
  messagesPerConversation: number;
  images: number;
  withCannedReplies: boolean;
};

async function seedTenant(tx: Executor, random: () => number, platform: SeedPlatform, plan: TenantPlan): Promise<void> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const tenantId = randomUUID();
  await tx.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, plan.name]);

  const agents = plan.agents.map((agent) => ({ id: randomUUID(), ...agent, email: normalizeEmail(agent.email) }));
  await insertRecords(
    tx,
    'agents',
    '(id uuid, tenant_id uuid, email text, name text, password_hash text)',
    agents.map((agent) => ({ ...agent, tenant_id: tenantId, password_hash: plan.passwordHash })),
  );

  const media = [];
  for (let index = 0; index < plan.images; index++) {
    const pixels = drawDemoImage(index);
    media.push({ id: randomUUID(), name: pixels.name, width: pixels.width, height: pixels.height, bytes: await platform.encodePng(pixels) });
  }
  for (const image of media) {
    await tx.query('INSERT INTO media (id, tenant_id, name, content_type, width, height, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      image.id,
      tenantId,
      image.name,
      'image/png',
      image.width,
      image.height,
      image.bytes,
    ]);
  }

  if (plan.withCannedReplies) {
    await insertRecords(
      tx,
      'canned_replies',
      '(id uuid, tenant_id uuid, title text, body text)',
      cannedReplies.map((reply) => ({ id: randomUUID(), tenant_id: tenantId, ...reply })),
    );
  }

  const now = Date.now();
  const conversationRows = [];
  const messageRows = [];
  for (let index = 0; index < plan.conversations; index++) {
    const id = randomUUID();
    const customerName = `${pick(firstNames)} ${pick(lastNames)}`;
    const roll = random();
    const assignee = roll < 0.3 ? agents[0] : roll < 0.55 ? agents[1 % agents.length] : roll < 0.7 ? pick(agents) : undefined;
    const start = now - Math.floor(random() * 30 * 24 * 3600_000) - 3600_000;
    conversationRows.push({
      id,
      tenant_id: tenantId,
      subject: pick(subjects),
      customer_name: customerName,
      customer_email: `${customerName.toLowerCase().replace(/[^a-z]+/g, '.')}@customer.example`,
      status: random() < 0.7 ? 'open' : 'closed',
      assignee_id: assignee?.id ?? null,
      created_at: new Date(start).toISOString(),
    });
    const count = Math.max(2, plan.messagesPerConversation + Math.floor((random() - 0.5) * 8));
    for (let m = 0; m < count; m++) {
      const fromCustomer = m % 2 === 0;
      const agent = assignee ?? agents[0]!;
      const withImage = fromCustomer && media.length > 0 && random() < 0.12;
      const image = withImage ? pick(media) : undefined;
      messageRows.push({
        id: randomUUID(),
        tenant_id: tenantId,
        conversation_id: id,
        author_kind: fromCustomer ? 'customer' : 'agent',
        author_agent_id: fromCustomer ? null : agent.id,
        author_name: fromCustomer ? customerName : agent.name,
        body: fromCustomer ? pick(customerLines) : pick(agentLines),
        attachments: image ? [{ mediaId: image.id, name: image.name, contentType: 'image/png', width: image.width, height: image.height }] : [],
        created_at: new Date(start + m * 7 * 60_000).toISOString(),
      });
    }
  }
  await insertRecords(
    tx,
    'conversations',
    '(id uuid, tenant_id uuid, subject text, customer_name text, customer_email text, status text, assignee_id uuid, created_at timestamptz)',
    conversationRows,
  );
  // Messages in creation order, so their `position` (a sequence default) orders them as written.
  for (let start = 0; start < messageRows.length; start += 2000) {
    await insertRecords(
      tx,
      'messages',
      '(id uuid, tenant_id uuid, conversation_id uuid, author_kind text, author_agent_id uuid, author_name text, body text, attachments jsonb, created_at timestamptz)',
      messageRows.slice(start, start + 2000),
    );
  }
  await tx.query(
    `UPDATE conversations c SET
       message_count = s.n,
       last_message_at = s.last_at,
       updated_at = s.last_at,
       last_message_preview = left(s.last_body, 140)
     FROM (
       SELECT conversation_id, count(*)::int AS n, max(created_at) AS last_at,
              (array_agg(body ORDER BY position DESC))[1] AS last_body
       FROM messages WHERE tenant_id = $1 GROUP BY conversation_id
     ) s
     WHERE c.id = s.conversation_id`,
    [tenantId],
  );
}

/** One INSERT for many rows, through jsonb_to_recordset: the same SQL on PGlite and PostgreSQL. */
async function insertRecords(tx: Executor, table: string, recordType: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = [...recordType.matchAll(/(\w+) [\w ]+?(?:,|\))/g)].map((match) => match[1]).join(', ');
  await tx.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM jsonb_to_recordset($1::jsonb) AS r${recordType}`, [JSON.stringify(rows)]);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
