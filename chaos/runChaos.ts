// `npm run chaos -- --list` prints the scenarios, one a line with what each breaks; `npm run chaos --
// <name>…` runs those (all of them with no name) in their full form, `--short` in the short form `npm test`
// runs. Each scenario runs on the real stack (ChaosStage), prints its progress as it goes and each
// invariant with its figure, and writes its result and timeline to .cache/chaos/<name>-<time>.json; its
// incident (timeline and metrics) goes to PostgreSQL, and its draft outage report to .cache/chaos/incident-<id>.md and .html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../tests/support/paths.js';
import { ChaosStage } from './ChaosStage.js';
import { recordIncident, reportAgrees } from './recordIncident.js';
import { runScenario } from './runScenario.js';
import { scenarioNamed, scenarios } from './scenarios.js';
import { Timeline } from './Timeline.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { list: { type: 'boolean' }, short: { type: 'boolean' } } });

if (values.list) {
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
  for (const scenario of scenarios) console.log(`${scenario.name.padEnd(width)}  ${scenario.breaks}`);
  process.exit(0);
}
const unknown = positionals.filter((name) => !scenarioNamed(name));
if (unknown.length > 0) {
  console.error(`No scenario called ${unknown.join(', ')}. npm run chaos -- --list names them.`);
  process.exit(2);
}
const chosen = positionals.length > 0 ? positionals.map((name) => scenarioNamed(name)!) : scenarios;
const form = values.short ? 'short' : 'full';
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;

const timeline = new Timeline((event) => {
  if (event.source !== 'chaos') console.log(`${clock()}   · ${event.source}: ${event.kind}${event.detail ? ` (${event.detail})` : ''}`);
});
console.log(
  `${clock()} starting the stack: the workspace built for two CDN hosts, HAProxy with two nodes and a PostgreSQL pair, a proxy, Chromium, Prometheus…`,
);
const stage = await ChaosStage.start(timeline);
const outDir = join(repoRoot, '.cache', 'chaos');
mkdirSync(outDir, { recursive: true });
let failed = 0;
try {
  for (const scenario of chosen) {
    console.log(`\n${clock()} ▶ ${scenario.name} (${form}: ${scenario[form].faultMs / 1000} s of fault)`);
    const result = await runScenario(stage, scenario, form, (line) => console.log(`${clock()}   ${line}`));
    const incident = await recordIncident(stage, scenario, result, outDir);
    result.checks.push(reportAgrees(result, incident.report, incident.markdown));
    for (const check of result.checks) console.log(`${clock()}   ${check.ok ? '✓' : '✗'} ${check.name}: ${check.figure}`);
    if (result.checks.some((check) => !check.ok)) failed++;
    const file = join(outDir, `${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`${clock()}   result and timeline: ${file}`);
    console.log(`${clock()}   incident ${incident.id} stored in PostgreSQL; its draft outage report: ${incident.files.join(', ')}`);
  }
} finally {
  await stage.stop();
}
console.log(`\n${chosen.length - failed} of ${chosen.length} scenarios kept every promise.`);
process.exit(failed > 0 ? 1 : 0);
