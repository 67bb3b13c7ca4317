// Typechecks every TypeScript project of the repository: each folder with a tsconfig.json (the framework's
// folders, every app's parts under app/ and examples/, tests, bench, deploy). An app is found by its
// tsconfig files alone, so a new one needs no line here or in package.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

const projects = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*tsconfig.json', '**/tsconfig.json'], { encoding: 'utf8' })
  .split('\n')
  .filter((path) => path.endsWith('/tsconfig.json') && !path.includes('node_modules/'))
  .map((path) => dirname(path))
  .filter((dir, index, all) => all.indexOf(dir) === index)
  .sort();

let failed = 0;
for (const project of projects) {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
  console.log(`${result.status === 0 ? 'ok  ' : 'FAIL'} ${project} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
if (failed > 0) {
  console.error(`${failed} of ${projects.length} projects have type errors.`);
  process.exit(1);
}
