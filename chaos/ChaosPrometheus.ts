import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ManagedProcess } from '../deploy/cluster/ManagedProcess.js';
import { repoRoot } from '../tests/support/paths.js';

export type ActiveAlert = { name: string; state: 'pending' | 'firing'; labels: Record<string, string>; activeAt: string };

/**
 * Debian's Prometheus watching a chaos stage as it would watch production: every node's /metrics (job
 * `holdfast`) and the same through the front door the agents use (job `holdfast-edge`), evaluating
 * deploy/prometheus/alerts.yml unchanged. Only the intervals are shorter (1 s instead of 15 s) so that a
 * scenario of two minutes sees its alerts go from pending to firing.
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
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${JSON.stringify(join(repoRoot, 'deploy', 'prometheus', 'alerts.yml'))}
scrape_configs:
  - job_name: holdfast
    static_configs:
      - targets: ${JSON.stringify(nodes)}
  - job_name: holdfast-edge
    scrape_timeout: 1s
    static_configs:
      - targets: [${JSON.stringify(edge)}]
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: '.+'
        action: drop
`,
    );
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
