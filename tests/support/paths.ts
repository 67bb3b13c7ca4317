import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.cache');
export const distDir = join(repoRoot, 'dist');

/** Changes whenever a migration, the seed or the way it is run changes, so prepared databases are rebuilt exactly then. */
export function schemaAndSeedKey(): string {
  const hash = createHash('sha256');
  for (const dir of ['server/migrations', 'app/server/migrations', 'app/server/seed']) {
    for (const name of readdirSync(join(repoRoot, dir)).sort()) hash.update(name).update(readFileSync(join(repoRoot, dir, name)));
  }
  // How a seed is run (it ends with ANALYZE).
  hash.update(readFileSync(join(repoRoot, 'server/runServer.ts')));
  return hash.digest('hex').slice(0, 12);
}
