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
});
