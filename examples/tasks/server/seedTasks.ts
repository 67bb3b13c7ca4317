import { randomUUID } from 'node:crypto';
import { normalizeEmail } from 'holdfast/core';
import { hashPassword, type Database } from 'holdfast/server';

const demoPassword = 'holdfast';

/** Two teams (the second one so tenant isolation has something to fail to reach), each with members and a few tasks. */
const teams = [
  {
    name: 'Harbour Works',
    members: [
      { email: 'ann@tasks.example', name: 'Ann Berg' },
      { email: 'ben@tasks.example', name: 'Ben Okafor' },
    ],
    tasks: ['Check the north pier lights', 'Order rope for the crane', 'Write up the storm damage report'],
  },
  { name: 'Other Team', members: [{ email: 'olga@other.example', name: 'Olga Ruiz' }], tasks: ['Private task of another team'] },
];

export async function isSeeded(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
  return rows[0]!.n > 0;
}

export async function seedTasks(db: Database): Promise<void> {
  const passwordHash = await hashPassword(demoPassword);
  await db.transaction(async (tx) => {
    for (const team of teams) {
      const tenantId = randomUUID();
      await tx.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, team.name]);
      const memberIds: string[] = [];
      for (const member of team.members) {
        const id = randomUUID();
        memberIds.push(id);
        await tx.query('INSERT INTO agents (id, tenant_id, email, name, password_hash) VALUES ($1, $2, $3, $4, $5)', [
          id,
          tenantId,
          normalizeEmail(member.email),
          member.name,
          passwordHash,
        ]);
      }
      for (const title of team.tasks) {
        await tx.query('INSERT INTO tasks (id, tenant_id, title, created_by) VALUES ($1, $2, $3, $4)', [randomUUID(), tenantId, title, memberIds[0]]);
      }
    }
  });
}
