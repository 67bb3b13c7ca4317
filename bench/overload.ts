/**
 * Overload at 3× capacity, with and without shedding, side by side in one run.
 *
 * A real server process on the seeded demo database (PGlite). The load is the workspace's own mix:
 * critical requests (a read of a conversation's messages, or a reply posted as an action) and sheddable
 * ones (presence heartbeats), `CRITICAL_SHARE` of them critical (default 10 %: at 3× capacity the critical share alone is then a third of capacity, which a server must be able to serve; the rest is the excess to shed). First the server's capacity
 * is measured (closed loop, 64 at a time), then arrivals come open-loop at 3× that rate for `SECONDS`
 * (default 10), after a warm-up of 3 s at the same rate that is not counted, once against a server with shedding (the default) and once with `SHEDDING=off`; the order
 * alternates over `RUNS` (default 2). The load comes from this process (tests/support/loadGenerator.ts,
 * raw keep-alive HTTP/1.1), pinned to one core and the server to the other.
 *
 * Reported per mode (medians over runs): critical success rate (2xx within 5 s) and p50/p99, sheddable
 * answers by kind, and how fast a refusal (429) comes back.
 *
 *   npm run bench:overload
 */
import { copyPgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { LoadGenerator, type Shot } from '../tests/support/loadGenerator.js';
import { createWorkspaceAction } from '../app/shared/index.js';
import { pinToCore as pin } from './pinToCore.js';
import { median, percentile, round } from './stats.js';

pin(process.pid, 1);

const runs = Number(process.env.RUNS ?? 2);
const seconds = Number(process.env.SECONDS ?? 10);
const criticalShare = Number(process.env.CRITICAL_SHARE ?? 0.1);
const factor = Number(process.env.FACTOR ?? 3);
const warmUpSeconds = Number(process.env.WARM_UP_SECONDS ?? 3);
/** Clients already connected when the load starts (the rest connect as they need to). */
const connections = Number(process.env.CONNECTIONS ?? 400);

type Result = {
  refusalsServerUnder5ms: number;
  capacity: number;
  rate: number;
  criticalOk: number;
  criticalP50: number;
  criticalP99: number;
  shedShare: number;
  refusalP50: number;
  refusalP99: number;
  sheddableOk: number;
};

/** Capacity in requests per second of the mix, closed loop, 64 at a time, on a server that sheds nothing. */
async function measureCapacity(): Promise<number> {
  return withLoad(false, async (load) => {
    await load.capacity(8, 1000); // warm-up
    return load.capacity(64, 3000);
  });
}

async function withLoad<T>(shedding: boolean, work: (load: LoadGenerator) => Promise<T>): Promise<T> {
  const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() }, shedding ? {} : { SHEDDING: 'off' });
  pin(server.pid!, 0);
  try {
    const api = await TestApi.signIn(server.url, 'alice@example.com');
    const conversations = await api.conversations('?status=open');
    const pick = () => conversations[Math.floor(Math.random() * conversations.length)]!.id;
    let flip = 0;
    const load = new LoadGenerator({
      baseUrl: server.url,
      token: api.token!,
      criticalShare,
      critical: () =>
        flip++ % 2 === 0
          ? { method: 'GET', path: `/api/conversations/${pick()}` }
          : { method: 'POST', path: '/api/actions', body: { actions: [createWorkspaceAction('send', pick(), { text: 'overload bench reply' })] } },
      sheddable: () => ({ method: 'POST', path: '/api/presence', body: { conversationId: pick() } }),
    });
    try {
      return await work(load);
    } finally {
      load.close();
    }
  } finally {
    await server.stop();
  }
}

/** The server's own count of refusals, and of those answered within 5 ms of arrival (its histogram). */
async function shedAnswers(load: LoadGenerator): Promise<{ total: number; under5ms: number }> {
  const text = await (await fetch(`${load.baseUrl}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return { total: value(/^holdfast_shed_answer_seconds_count (\S+)/m), under5ms: value(/^holdfast_shed_answer_seconds_bucket\{le="0\.005"\} (\S+)/m) };
}

async function measure(shedding: boolean, capacity: number): Promise<Result> {
  const rate = capacity * factor;
  return withLoad(shedding, async (load) => {
    await load.connect(connections);
    // Warm-up at the same overload, not counted (the JIT, caches; every shot of it answered before the run).
    await load.openLoop(rate, warmUpSeconds * 1000);
    const before = await shedAnswers(load);
    const result = summarize(await load.openLoop(rate, seconds * 1000), capacity, rate);
    const after = await shedAnswers(load);
    const refused = after.total - before.total;
    return { ...result, refusalsServerUnder5ms: refused > 0 ? round(((after.under5ms - before.under5ms) / refused) * 100, 2) : Number.NaN };
  });
}

function summarize(shots: Shot[], capacity: number, rate: number): Result {
  const critical = shots.filter((shot) => shot.kind === 'critical');
  const sheddable = shots.filter((shot) => shot.kind === 'sheddable');
  const ok = (shot: Shot) => shot.status >= 200 && shot.status < 300;
  const refused = sheddable.filter((shot) => shot.status === 429);
  if (process.env.TIMELINE) {
    const start = Math.min(...shots.map((shot) => shot.at));
    for (let second = 0; second * 1000 < seconds * 1000 + 1; second++) {
      const inSecond = critical.filter((shot) => Math.floor((shot.at - start) / 1000) === second);
      const shed = sheddable.filter((shot) => Math.floor((shot.at - start) / 1000) === second);
      console.log(
        `  ${second}s critical p50 ${round(
          percentile(
            inSecond.map((shot) => shot.ms),
            50,
          ),
        )} max ${round(Math.max(...inSecond.map((shot) => shot.ms)))}; sheddable ok ${shed.filter(ok).length}/${shed.length}`,
      );
    }
  }
  const failed = critical.filter((shot) => !ok(shot));
  if (failed.length > 0) {
    const byStatus = new Map<number, number>();
    for (const shot of failed) byStatus.set(shot.status, (byStatus.get(shot.status) ?? 0) + 1);
    console.log('critical failures by status (0: no answer within 5 s):', Object.fromEntries(byStatus));
  }
  const criticalTimes = critical.map((shot) => (ok(shot) ? shot.ms : 5000));
  return {
    capacity: round(capacity, 0),
    rate: round(rate, 0),
    criticalOk: round((critical.filter(ok).length / critical.length) * 100, 2),
    criticalP50: round(percentile(criticalTimes, 50)),
    criticalP99: round(percentile(criticalTimes, 99)),
    sheddableOk: round((sheddable.filter(ok).length / sheddable.length) * 100, 1),
    shedShare: round((refused.length / sheddable.length) * 100, 1),
    refusalP50: round(
      percentile(
        refused.map((shot) => shot.ms),
        50,
      ),
      2,
    ),
    refusalP99: round(
      percentile(
        refused.map((shot) => shot.ms),
        99,
      ),
      2,
    ),
    refusalsServerUnder5ms: Number.NaN,
  };
}

const results: Record<'shedding' | 'no shedding', Result[]> = { shedding: [], 'no shedding': [] };
for (let run = 0; run < runs; run++) {
  const capacity = await measureCapacity();
  const order: boolean[] = run % 2 === 0 ? [true, false] : [false, true];
  for (const shedding of order) {
    const result = await measure(shedding, capacity);
    results[shedding ? 'shedding' : 'no shedding'].push(result);
    console.log(shedding ? 'shedding   ' : 'no shedding', JSON.stringify(result));
  }
}

const med = (list: Result[], key: keyof Result) => median(list.map((result) => result[key]));
console.log(`\nOverload at ${factor}× capacity, ${seconds} s open loop, ${criticalShare * 100} % critical; medians of ${runs} runs`);
console.log(
  '| | capacity (req/s) | offered (req/s) | critical ok | critical p50 | critical p99 | sheddable refused (429) | sheddable ok | refusal p50 (client) | refusal p99 (client) | refusals answered < 5 ms (server) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [mode, list] of Object.entries(results)) {
  console.log(
    `| ${mode} | ${med(list, 'capacity')} | ${med(list, 'rate')} | ${med(list, 'criticalOk')} % | ${med(list, 'criticalP50')} ms | ${med(list, 'criticalP99')} ms | ${med(list, 'shedShare')} % | ${med(list, 'sheddableOk')} % | ${list.some((result) => !Number.isNaN(result.refusalP50)) ? `${med(list, 'refusalP50')} ms` : '—'} | ${list.some((result) => !Number.isNaN(result.refusalP99)) ? `${med(list, 'refusalP99')} ms` : '—'} | ${list.some((result) => Number.isFinite(result.refusalsServerUnder5ms)) ? `${med(list, 'refusalsServerUnder5ms')} %` : '—'} |`,
  );
}
