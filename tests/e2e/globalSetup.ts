import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, repoRoot } from '../support/paths.js';
import { preparePgliteTemplate } from '../support/pgliteTemplate.js';

export default async function globalSetup() {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(join(distDir, 'sw.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  // Every example app (scripts/apps.mjs: a folder of examples/ with a vite.config.ts) is built into its dist/.
  const examples = join(repoRoot, 'examples');
  for (const name of readdirSync(examples)) {
    if (existsSync(join(examples, name, 'vite.config.ts')) && !existsSync(join(examples, name, 'dist', 'sw.js')))
      throw new Error(`The ${name} example is not built: run \`npm run build\` (or \`npm run build -- ${name}\`).`);
  }
  await preparePgliteTemplate();
}
