import { randomUUID } from 'node:crypto';
import { normalizeEmail } from 'holdfast/core';
import { hashPassword, runServer, type Database } from 'holdfast/server';
import { appName } from '../shared/notes.js';
import { notesMigrations, notesServerApp } from './notesServerApp.js';

/** With SEED=demo, an empty database gets one team of two members, each signing in with the password "holdfast". */
async function seed(db: Database): Promise<void> {
  const passwordHash = await hashPassword('holdfast');
  await db.transaction(async (tx) => {
    const tenantId = randomUUID();
    await tx.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, 'Field team']);
    for (const [email, name] of [
      [`ann@${appName}.example`, 'Ann'],
      [`ben@${appName}.example`, 'Ben'],
    ] as const) {
      await tx.query('INSERT INTO agents (id, tenant_id, email, name, password_hash) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        tenantId,
        normalizeEmail(email),
        name,
        passwordHash,
      ]);
    }
  });
}

const isSeeded = async (db: Database) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants')).rows[0]!.n > 0;

/** The server: PORT, DATABASE_URL or DATA_DIR (default data/<appName>), STATIC_DIR; migrates, seeds, serves. */
await runServer({ name: appName, app: () => notesServerApp, migrations: notesMigrations, seed: { isSeeded, run: seed } });
