import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/**
 * The public API is what the checked-in reports (api/holdfast-<entry>.api.md) say: api-extractor reads the
 * packed .d.ts (the package globalSetup staged) and compares. A change to a public name, signature or type
 * fails here until the report is updated (`npm run api:update`) and committed with it.
 */
describe('the public API report', () => {
  it('every entry matches its checked-in report', () => {
    const check = spawnSync(process.execPath, [join(root, 'scripts', 'apiReport.mjs')], { cwd: root, encoding: 'utf8' });
    const output = `${check.stdout}\n${check.stderr}`;
    expect(output).toMatch(/unchanged\s+api\/holdfast-client\.api\.md/);
    expect(check.status, output).toBe(0);
  }, 300_000);
});
