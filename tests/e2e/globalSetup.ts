import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, repoRoot } from '../support/paths.js';
import { preparePgliteTemplate } from '../support/pgliteTemplate.js';

export default async function globalSetup() {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(join(distDir, 'sw.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  if (!existsSync(join(repoRoot, 'examples', 'tasks', 'dist', 'sw.js')))
    throw new Error('The tasks example is not built: run `npm run build` (or `npm run build:tasks`).');
  await preparePgliteTemplate();
}
