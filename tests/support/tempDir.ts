import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/**
 * A fresh directory under the system's temporary folder, removed when this test process exits. Copies of
 * the seeded database are tens of megabytes each: left behind, a machine's disk fills within days of runs.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.size === 0)
    process.once('exit', () =>
      made.forEach((path) => {
        rmSync(path, { recursive: true, force: true });
      }),
    );
  made.add(dir);
  return dir;
}
