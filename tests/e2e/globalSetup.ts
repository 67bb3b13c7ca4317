import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distDir } from '../support/paths.js';
import { preparePgliteTemplate } from '../support/pgliteTemplate.js';

export default async function globalSetup() {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(join(distDir, 'sw.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  await preparePgliteTemplate();
}
