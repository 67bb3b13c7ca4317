// `npm run build [-- <app>…]`: builds every app (scripts/apps.mjs), or the ones named: its page, then its
// worker (which precaches the page's files and compresses the build). Vite loads each config with its
// module runner, because the configs import `holdfast/build`, whose entry in this repository is TypeScript.
import { spawnSync } from 'node:child_process';
import { appNamed, findApps, repoRoot } from './apps.mjs';

const names = process.argv.slice(2);
const apps = names.length > 0 ? names.map(appNamed) : findApps();
for (const app of apps) {
  for (const config of [app.page, app.worker].filter(Boolean)) {
    console.log(`\n— ${app.name}: vite build --config ${config.slice(repoRoot.length)}`);
    const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--configLoader', 'runner', '--config', config], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      console.error(`Building ${app.name} failed (${config}).`);
      process.exit(result.status ?? 1);
    }
  }
}
