import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths.js';

const promtool = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const dir = join(repoRoot, 'deploy', 'prometheus');

/** Debian's promtool (package prometheus), run as an operator would before loading the files. */
function run(...args: string[]) {
  const result = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the alerting rules (deploy/prometheus)', () => {
  it('are valid', () => {
    const checked = run('check', 'rules', 'alerts.yml');
    expect(checked.output).toContain('SUCCESS');
    const alerts = [...checked.output.matchAll(/(\d+) rules found/g)].map((match) => Number(match[1]));
    expect(alerts[0]).toBeGreaterThan(0);
  });

  it('fire when their condition lasts, not before, and not on healthy series (promtool test rules)', () => {
    const tested = run('test', 'rules', 'alerts.test.yml');
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it('has a test for every alert it defines', async () => {
    const { readFile } = await import('node:fs/promises');
    const rules = await readFile(join(dir, 'alerts.yml'), 'utf8');
    const tests = await readFile(join(dir, 'alerts.test.yml'), 'utf8');
    const defined = [...rules.matchAll(/- alert: (\w+)/g)].map((match) => match[1]!);
    const firing = new Set([...tests.matchAll(/alertname: (\w+)\n\s+exp_alerts:\n\s+- exp_labels/g)].map((match) => match[1]!));
    expect(defined.length).toBeGreaterThan(5);
    expect(defined.filter((name) => !firing.has(name))).toEqual([]);
  });

  it('the Prometheus configuration that loads them is valid', () => {
    expect(run('check', 'config', 'prometheus.yml').output).toContain('SUCCESS');
  });

  it("the chaos stage's configuration is deploy/'s, pointed at the stage: valid, its jobs and rules kept, 1-s intervals", async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { parse } = await import('yaml');
    const { stageConfig } = await import('../../../chaos/ChaosPrometheus.js');
    const deployed = readFileSync(join(dir, 'prometheus.yml'), 'utf8');
    const staged = stageConfig(deployed, ['127.0.0.1:9101', '127.0.0.1:9102'], '127.0.0.1:9100');
    const scratch = mkdtempSync(join(tmpdir(), 'holdfast-stage-prometheus-'));
    try {
      writeFileSync(join(scratch, 'prometheus.yml'), staged);
      const checked = spawnSync(promtool, ['check', 'config', join(scratch, 'prometheus.yml')], { encoding: 'utf8' });
      expect(`${checked.stdout}${checked.stderr}`).toContain('SUCCESS');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    type Config = {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; metric_relabel_configs?: unknown }[];
    };
    const [before, after] = [parse(deployed) as Config, parse(staged) as Config];
    expect(after.scrape_configs.map((job) => job.job_name)).toEqual(before.scrape_configs.map((job) => job.job_name));
    expect(after.scrape_configs.map((job) => job.static_configs[0]!.targets)).toEqual([['127.0.0.1:9101', '127.0.0.1:9102'], ['127.0.0.1:9100']]);
    // The edge keeps dropping its samples (they are some node's), as deployed.
    expect(after.scrape_configs[1]!.metric_relabel_configs).toEqual(before.scrape_configs[1]!.metric_relabel_configs);
    expect(after.rule_files).toEqual([join(dir, 'alerts.yml')]);
    expect(after.global).toMatchObject({ scrape_interval: '1s', evaluation_interval: '1s' });
    // A job the stage could not fill is refused, not left pointing at production's addresses.
    expect(() => stageConfig(deployed.replace('job_name: holdfast-edge', 'job_name: holdfast-blackbox'), [], '')).toThrow(/cannot fill: holdfast-blackbox/);
  });
});
