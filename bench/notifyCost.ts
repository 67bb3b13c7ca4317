/**
 * What LISTEN/NOTIFY fan-out adds to a commit, under concurrent writers, on Debian's PostgreSQL (the API
 * tests' cluster: `fsync=off`, so commits are cheap and the notice's share shows at its largest).
 *
 * The workspace's ActionEngine, in this process, on a migrated and seeded database: `WRITERS` (default 8)
 * writers post one-action batches (a reply each: one transaction, one commit) to different conversations
 * of one tenant, `ACTIONS` (default 2,000) in all, once with `notifyChannel` (a `pg_notify` in every
 * transaction, a process LISTENing as the servers do) and once without. Alternating, `RUNS` (default 5)
 * each; medians.
 *
 *   npm run bench:notify-cost
 */
import { ActionEngine, type ActorContext } from 'holdfast/server';
import { openPostgres } from 'holdfast/server';
import { workspaceServerApp } from '../app/server/workspaceServerApp.js';
import { createWorkspaceAction } from '../app/shared/index.js';
import { createPostgresDatabase, startPostgres } from '../tests/support/postgresServer.js';
import { median, percentile, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 5);
const writers = Number(process.env.WRITERS ?? 8);
const total = Number(process.env.ACTIONS ?? 2000);
const channel = 'holdfast_changes';

const stopPostgres = await startPostgres();
const databaseUrl = await createPostgresDatabase();
const db = await openPostgres({ connectionString: databaseUrl, maxConnections: writers + 2 });
const app = await workspaceServerApp(db);
const actorRow = (await db.query<{ tenant_id: string; id: string; name: string }>(`SELECT tenant_id, id, name FROM agents WHERE email = 'alice@example.com'`))
  .rows[0]!;
const actor: ActorContext = { tenantId: actorRow.tenant_id, agentId: actorRow.id, agentName: actorRow.name };
const targets = (await db.query<{ id: string }>(`SELECT id FROM conversations WHERE tenant_id = $1 ORDER BY id LIMIT $2`, [actor.tenantId, writers])).rows.map(
  (row) => row.id,
);
let heard = 0;
const listener = await db.listen!(channel, { onNotify: () => heard++, onListening: () => {} });

type Run = { perSecond: number; p50: number; p99: number };

async function run(notify: boolean): Promise<Run> {
  const engine = new ActionEngine({ db, applier: app.applier, existingTargets: app.existingTargets, notifyChannel: notify ? channel : undefined });
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    targets.map(async (target) => {
      while (next < total) {
        next++;
        const began = performance.now();
        await engine.applyBatch(actor, [createWorkspaceAction('send', target, { text: 'notify cost' })]);
        times.push(performance.now() - began);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: round(times.length / seconds, 0), p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
}

const results: Record<'with NOTIFY' | 'without', Run[]> = { 'with NOTIFY': [], without: [] };
await run(false); // warm-up
for (let index = 0; index < runs; index++) {
  for (const notify of index % 2 === 0 ? [true, false] : [false, true]) {
    const heardBefore = heard;
    const result = await run(notify);
    results[notify ? 'with NOTIFY' : 'without'].push(result);
    console.log(notify ? 'with NOTIFY' : 'without    ', JSON.stringify(result), notify ? `(heard ${heard - heardBefore})` : '');
  }
}

console.log(`\n${writers} concurrent writers, ${total.toLocaleString('en')} one-action commits per run, medians of ${runs}`);
console.log('| | commits/s | commit p50 | commit p99 |');
console.log('|---|---|---|---|');
const med = (list: Run[], key: keyof Run) => median(list.map((entry) => entry[key]));
for (const [mode, list] of Object.entries(results)) console.log(`| ${mode} | ${med(list, 'perSecond')} | ${med(list, 'p50')} ms | ${med(list, 'p99')} ms |`);
const ratio = med(results['with NOTIFY'], 'p50') / med(results.without, 'p50');
console.log(
  `NOTIFY adds ${round((ratio - 1) * 100, 1)} % to the median commit (${round(med(results['with NOTIFY'], 'p50') - med(results.without, 'p50'), 3)} ms).`,
);

await listener.close();
await db.close();
stopPostgres();
