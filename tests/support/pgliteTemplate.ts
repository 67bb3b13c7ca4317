import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, schemaAndSeedKey } from './paths.js';
import { runTs } from './runNode.js';
import { tempDir } from './tempDir.js';

/**
 * A migrated and seeded PGlite directory, made once (creating one costs ~10 s) and copied for each test
 * server (a copy opens in ~2 s). Rebuilt when a migration or the seed changes.
 */
export async function preparePgliteTemplate(): Promise<string> {
  const dir = join(cacheDir, `pglite-template-${schemaAndSeedKey()}`);
  if (existsSync(join(dir, 'READY'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  await runTs('app/server/seedCli.ts', { DATA_DIR: dir, DATABASE_URL: '' });
  writeFileSync(join(dir, 'READY'), new Date().toISOString());
  return dir;
}

/** A private copy of the template, for one server. */
export async function copyPgliteTemplate(): Promise<string> {
  const template = await preparePgliteTemplate();
  const copy = tempDir('holdfast-pglite-');
  cpSync(template, copy, { recursive: true, filter: (source) => !source.endsWith('holdfast.lock') && !source.endsWith('READY') });
  return copy;
}
