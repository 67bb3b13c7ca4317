/**
 * 10,000 clients reconnecting after a 5-minute outage, side by side: full jitter (ours), no jitter, and
 * equal jitter. A simulation in one process, in simulated time: each client is the event-stream reader's
 * reconnect schedule (shared/realtime/readEventStream.ts: first delay 1 s, doubling, capped at 30 s; full
 * jitter is the framework's own `fullJitterDelay`), and the server is its stream admission: it accepts at
 * most `CAP` (default 1,000) new streams a second and refuses the rest with 503 and the jittered
 * Retry-After it sends (10–20 s), which the reader obeys. Every client lost its stream at the same moment
 * (the server went down), which is what synchronises them.
 *
 * Reported per strategy, medians over `RUNS` (default 5) seeds:
 * - the peak of connection attempts in any one second after the server is back, against the cap;
 * - the steady rate: attempts per second over the last minute of the outage, when every backoff is at
 *   its cap (what the server sees from these clients while they wait);
 * - p95 and max time from the server's return to a client's stream being open again;
 * - refusals (attempts over the cap).
 *
 *   npm run bench:reconnect-storm
 */
import { fullJitterDelay } from 'holdfast/client';
import { median, percentile, round } from './stats.js';

const clients = Number(process.env.CLIENTS ?? 10_000);
const outageMs = Number(process.env.OUTAGE_MS ?? 5 * 60_000);
const cap = Number(process.env.CAP ?? 1000);
const runs = Number(process.env.RUNS ?? 5);
const initialDelayMs = 1000;
const maxDelayMs = 30_000;
const retryAfterSeconds = 10;

type Strategy = 'full jitter (ours)' | 'no jitter' | 'equal jitter';
const strategies: Strategy[] = ['full jitter (ours)', 'no jitter', 'equal jitter'];

function delayFor(strategy: Strategy, attempt: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
  if (strategy === 'no jitter') return ceiling;
  if (strategy === 'equal jitter') return ceiling / 2 + random() * (ceiling / 2);
  return fullJitterDelay(attempt, { initialDelayMs, maxDelayMs }, random);
}

/** mulberry32: a seeded generator, so each strategy meets the same randomness in a run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A binary min-heap of [time, client]. */
class Schedule {
  readonly #heap: [number, number][] = [];
  get size(): number {
    return this.#heap.length;
  }
  push(item: [number, number]): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= heap[i]![0]) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }
  pop(): [number, number] {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]![0] < heap[smallest]![0]) smallest = left;
        if (right < heap.length && heap[right]![0] < heap[smallest]![0]) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

type Outcome = { peakAfter: number; steady: number; p95ResumeS: number; maxResumeS: number; refused: number };

function simulate(strategy: Strategy, seed: number): Outcome {
  const random = seeded(seed);
  const attempts = new Uint32Array(clients);
  /** This client's attempt number, counted. */
  const nextAttempt = (client: number) => {
    const attempt = attempts[client] ?? 0;
    attempts[client] = attempt + 1;
    return attempt;
  };
  const schedule = new Schedule();
  // t = 0: the server goes down and every stream breaks at once.
  for (let client = 0; client < clients; client++) schedule.push([delayFor(strategy, nextAttempt(client), random), client]);
  const perSecond = new Map<number, number>();
  const admittedPerSecond = new Map<number, number>();
  const resumedAt: number[] = [];
  let refused = 0;
  while (schedule.size > 0) {
    const [at, client] = schedule.pop();
    const second = Math.floor(at / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    if (at < outageMs) {
      // Down: connection refused at once; the next try after the backoff.
      schedule.push([at + delayFor(strategy, nextAttempt(client), random), client]);
      continue;
    }
    const admitted = admittedPerSecond.get(second) ?? 0;
    if (admitted >= cap) {
      refused++;
      const retryAfterMs = (retryAfterSeconds + Math.floor(random() * retryAfterSeconds)) * 1000;
      schedule.push([at + Math.max(retryAfterMs, delayFor(strategy, nextAttempt(client), random)), client]);
      continue;
    }
    admittedPerSecond.set(second, admitted + 1);
    resumedAt.push(at - outageMs);
  }
  const outageEnd = Math.floor(outageMs / 1000);
  let peakAfter = 0;
  for (const [second, count] of perSecond) if (second >= outageEnd) peakAfter = Math.max(peakAfter, count);
  let lastMinute = 0;
  for (let second = outageEnd - 60; second < outageEnd; second++) lastMinute += perSecond.get(second) ?? 0;
  return {
    peakAfter,
    steady: round(lastMinute / 60, 0),
    p95ResumeS: round(percentile(resumedAt, 95) / 1000, 1),
    maxResumeS: round(Math.max(...resumedAt) / 1000, 1),
    refused,
  };
}

const results = new Map<Strategy, Outcome[]>(strategies.map((strategy) => [strategy, []]));
for (let run = 0; run < runs; run++) for (const strategy of strategies) results.get(strategy)!.push(simulate(strategy, 1000 + run));

console.log(
  `${clients.toLocaleString('en')} clients, ${outageMs / 60_000}-minute outage, server admits ${cap.toLocaleString('en')} streams/s; medians of ${runs} seeds (simulated time, one process)`,
);
console.log(
  '| strategy | peak attempts/s after the return | vs cap | steady attempts/s (last minute of outage) | peak / steady | resumed p95 | resumed max | refused (over the cap) |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [strategy, outcomes] of results) {
  const med = (key: keyof Outcome) => median(outcomes.map((outcome) => outcome[key]));
  console.log(
    `| ${strategy} | ${med('peakAfter').toLocaleString('en')} | ${round(med('peakAfter') / cap, 2)}× | ${med('steady')} | ${round(med('peakAfter') / med('steady'), 2)}× | ${med('p95ResumeS')} s | ${med('maxResumeS')} s | ${med('refused').toLocaleString('en')} |`,
  );
}
