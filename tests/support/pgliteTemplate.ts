import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  // Made in a directory of this process's own and renamed into place whole: two processes that find it
  // missing at once (a run started while another is under way) each make theirs, and neither can see, or
  // copy, a half-written one.
  mkdirSync(cacheDir, { recursive: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  await runTs('app/server/seedCli.ts', { DATA_DIR: building, DATABASE_URL: '' });
  writeFileSync(join(building, 'READY'), new Date().toISOString());
  if (existsSync(join(dir, 'READY'))) rmSync(building, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
  }
  return dir;
}

/** A private copy of the template, for one server. */
export async function copyPgliteTemplate(): Promise<string> {
  const template = await preparePgliteTemplate();
  const copy = tempDir('holdfast-pglite-');
  cpSync(template, copy, { recursive: true, filter: (source) => !source.endsWith('holdfast.lock') && !source.endsWith('READY') });
  return copy;
}
