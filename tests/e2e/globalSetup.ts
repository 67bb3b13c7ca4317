import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, repoRoot } from '../support/paths.js';
import { preparePgliteTemplate } from '../support/pgliteTemplate.js';

export default async function globalSetup() {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(join(distDir, 'sw.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  // Every app the build finds (scripts/apps.mjs, plain JavaScript: typed here by hand) is built.
  const { findApps } = (await import(join(repoRoot, 'scripts', 'apps.mjs'))) as { findApps: () => { name: string; dist: string }[] };
  for (const app of findApps()) {
    if (!existsSync(join(app.dist, 'sw.js'))) throw new Error(`${app.name} is not built: run \`npm run build\` (or \`npm run build -- ${app.name}\`).`);
  }
  await preparePgliteTemplate();
}
