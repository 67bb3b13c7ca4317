/**
 * Fair shares: one agent floods the server with heavy but legitimate requests; how long does another
 * tenant's agent wait for `GET /api/me`? Side by side in one run, with the per-session limits on (the
 * default) and off (`FAIR_SHARE=off`, the server as it was before them).
 *
 * A real server process on the seeded demo database (PGlite, as `npm start` runs it), pinned to core 0;
 * this process (the flood and the probe) on core 1. Floods:
 * - full syncs: `LOOPS_SYNC` (default 6) loops of `GET /api/sync?cursor=0&limit=5000`, as fast as answered;
 * - reply batches: `LOOPS_BATCH` (default 3) loops of `POST /api/actions` with 500 new replies each.
 * The probe: carol@globex.example (another tenant) asks `/api/me` every 20 ms, for `SECONDS` (default 8)
 * after a 1 s start of the flood; before the flood, the same probe for 3 s gives the quiet figures.
 * Reported per mode and flood, medians over `RUNS` (default 2): the probe's p50 and p99, and how much of the
 * flood the server served (requests answered 2xx per second) and refused (429).
 *
 *   npm run bench:fair-share
 */
import { createWorkspaceAction } from '../app/shared/index.js';
import { copyPgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { pinToCore as pin } from './pinToCore.js';
import { median, percentile, round } from './stats.js';

pin(process.pid, 1);

const runs = Number(process.env.RUNS ?? 2);
const seconds = Number(process.env.SECONDS ?? 8);
const floods = {
  'full syncs': Number(process.env.LOOPS_SYNC ?? 6),
  '500-reply batches': Number(process.env.LOOPS_BATCH ?? 3),
} as const;
type Flood = keyof typeof floods;
type Mode = 'fair share' | 'no fair share';
type Result = { quietP50: number; quietP99: number; p50: number; p99: number; served: number; refused: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `/api/me` as carol, every 20 ms until `until`; answers each request's time in ms. */
async function probe(api: TestApi, until: number): Promise<number[]> {
  const times: number[] = [];
  while (performance.now() < until) {
    const started = performance.now();
    const response = await api.raw('/api/me');
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`/api/me answered ${response.status}`);
    times.push(performance.now() - started);
    await sleep(20);
  }
  return times;
}

async function measure(mode: Mode, flood: Flood): Promise<Result> {
  const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() }, mode === 'fair share' ? {} : { FAIR_SHARE: 'off' });
  pin(server.pid!, 0);
  try {
    const flooder = await TestApi.signIn(server.url, 'alice@example.com');
    const victim = await TestApi.signIn(server.url, 'carol@globex.example');
    const conversations = (await flooder.conversations('?limit=200')).map((conversation) => conversation.id);
    const quiet = await probe(victim, performance.now() + 3000);

    let stop = false;
    let served = 0;
    let refused = 0;
    const request = () =>
      flood === 'full syncs'
        ? flooder.raw('/api/sync?cursor=0&limit=5000')
        : flooder.postActions(
            Array.from({ length: 500 }, (_, index) =>
              createWorkspaceAction('send', conversations[index % conversations.length]!, { text: `fair-share bench ${index}` }),
            ),
          );
    const loop = async () => {
      while (!stop) {
        const response = await request();
        await response.arrayBuffer();
        if (response.ok) served++;
        else if (response.status === 429) {
          refused++;
          // A well-behaved client waits as told; a flood that ignores it would only be refused faster.
          await sleep(Math.min(1000, Number(response.headers.get('retry-after') ?? 1) * 1000));
        } else throw new Error(`flood request answered ${response.status}: ${await response.text()}`);
      }
    };
    const loops = Array.from({ length: floods[flood] }, loop);
    await sleep(1000);
    const servedBefore = served;
    const refusedBefore = refused;
    const times = await probe(victim, performance.now() + seconds * 1000);
    const result = {
      quietP50: round(percentile(quiet, 50)),
      quietP99: round(percentile(quiet, 99)),
      p50: round(percentile(times, 50)),
      p99: round(percentile(times, 99)),
      served: round((served - servedBefore) / seconds, 1),
      refused: round((refused - refusedBefore) / seconds, 1),
    };
    stop = true;
    await Promise.all(loops);
    return result;
  } finally {
    await server.stop();
  }
}

const results = new Map<string, Result[]>();
for (let run = 0; run < runs; run++) {
  const modes: Mode[] = run % 2 === 0 ? ['fair share', 'no fair share'] : ['no fair share', 'fair share'];
  for (const flood of Object.keys(floods) as Flood[]) {
    for (const mode of modes) {
      const result = await measure(mode, flood);
      const key = `${flood}|${mode}`;
      results.set(key, [...(results.get(key) ?? []), result]);
      console.log(`${flood}, ${mode}:`, JSON.stringify(result));
    }
  }
}

const med = (list: Result[], field: keyof Result) => round(median(list.map((result) => result[field])));
console.log(`\nAnother tenant's GET /api/me while one agent floods; ${seconds} s per run, medians of ${runs} runs (PGlite, server on one core)`);
console.log('| flood | mode | quiet p50 | quiet p99 | under flood p50 | under flood p99 | flood served (req/s) | flood refused (429/s) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, list] of results) {
  const [flood, mode] = key.split('|');
  console.log(
    `| ${flood} (${floods[flood as Flood]} loops) | ${mode} | ${med(list, 'quietP50')} ms | ${med(list, 'quietP99')} ms | ${med(list, 'p50')} ms | ${med(list, 'p99')} ms | ${med(list, 'served')} | ${med(list, 'refused')} |`,
  );
}
const ratio = (flood: Flood, field: 'p50' | 'p99') =>
  round(med(results.get(`${flood}|no fair share`)!, field) / med(results.get(`${flood}|fair share`)!, field), 1);
for (const flood of Object.keys(floods) as Flood[]) console.log(`${flood}: p50 ${ratio(flood, 'p50')}× and p99 ${ratio(flood, 'p99')}× lower with fair shares`);
