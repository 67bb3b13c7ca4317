import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, ManagedProcess } from '../deploy/cluster/ManagedProcess.js';
import { repoRoot } from '../tests/support/paths.js';

export type ActiveAlert = { name: string; state: 'pending' | 'firing'; labels: Record<string, string>; activeAt: string };

/**
 * Debian's Prometheus watching a chaos stage as it would watch production: deploy/prometheus/prometheus.yml
 * itself — every node's /metrics (job `holdfast`) and the same through the front door the agents use (job
 * `holdfast-edge`), evaluating its alerting rules unchanged — with the stage's addresses for its targets.
 * Only the intervals are shorter (1 s instead of 15 s) so that a scenario of two minutes sees its alerts go
 * from pending to firing.
 */
export class ChaosPrometheus {
  private constructor(
    readonly url: string,
    private readonly process: ManagedProcess,
    private readonly dir: string,
  ) {}

  /** `nodes` and `edge`: host:port each. */
  static async start(nodes: readonly string[], edge: string): Promise<ChaosPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-chaos-prometheus-'));
    const port = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), stageConfig(readFileSync(deployedConfig, 'utf8'), nodes, edge));
    const url = `http://127.0.0.1:${port}`;
    const process = new ManagedProcess({
      command: globalThis.process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus',
      args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      cwd: dir,
      ready: async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ?? false,
    });
    await process.start();
    return new ChaosPrometheus(url, process, dir);
  }

  /** The alerts pending or firing now (GET /api/v1/alerts). */
  async alerts(): Promise<ActiveAlert[]> {
    const response = await fetch(`${this.url}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`Prometheus answered ${response.status} for its alerts`);
    const body = (await response.json()) as { data: { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] } };
    return body.data.alerts
      .filter((alert) => alert.state === 'pending' || alert.state === 'firing')
      .map((alert) => ({ name: alert.labels.alertname ?? '?', state: alert.state as ActiveAlert['state'], labels: alert.labels, activeAt: alert.activeAt }));
  }

  async stop(): Promise<void> {
    await this.process.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The configuration deploy/ ships (docs/deploy.md). */
const deployedConfig = join(repoRoot, 'deploy', 'prometheus', 'prometheus.yml');

type ScrapeConfig = { job_name: string; scrape_timeout?: string; static_configs: { targets: string[] }[] };

/**
 * deploy/'s configuration pointed at the stage: each job's targets replaced (the nodes for `holdfast`, the
 * front door for `holdfast-edge`), its rule files found from where it lives, and every interval 1 s (a scrape
 * timeout may not exceed its interval). A job the stage cannot fill is an error: a scenario would check
 * alerts on series nobody scrapes.
 */
export function stageConfig(deployed: string, nodes: readonly string[], edge: string): string {
  const config = parse(deployed) as { global?: Record<string, unknown>; rule_files?: string[]; scrape_configs?: ScrapeConfig[] };
  const targets: Record<string, readonly string[]> = { holdfast: nodes, 'holdfast-edge': [edge] };
  const jobs = config.scrape_configs ?? [];
  for (const job of jobs) {
    const stage = targets[job.job_name];
    if (!stage) throw new Error(`deploy/prometheus/prometheus.yml has a job the chaos stage cannot fill: ${job.job_name}`);
    job.static_configs = [{ targets: [...stage] }];
    if (job.scrape_timeout) job.scrape_timeout = '1s';
  }
  for (const name of Object.keys(targets))
    if (!jobs.some((job) => job.job_name === name)) throw new Error(`deploy/prometheus/prometheus.yml has no job ${name}`);
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = (config.rule_files ?? []).map((file) => join(dirname(deployedConfig), file));
  return stringify(config);
}
