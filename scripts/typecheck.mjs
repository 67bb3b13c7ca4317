// Typechecks every TypeScript project of the repository: each folder with a tsconfig.json (the framework's
// folders, every app's parts under app/ and examples/, tests, bench, deploy). An app is found by its
// tsconfig files alone, so a new one needs no line here or in package.json.
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';

const projects = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*tsconfig.json', '**/tsconfig.json'], { encoding: 'utf8' })
  .split('\n')
  .filter((path) => path.endsWith('/tsconfig.json') && !path.includes('node_modules/'))
  .map((path) => dirname(path))
  .filter((dir, index, all) => all.indexOf(dir) === index)
  .sort();

// Two (or as many as the machine has cores) at a time; each project's output is printed whole when it ends.
let failed = 0;
const check = (project) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      if (code !== 0) failed++;
      process.stdout.write(output);
      console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${project} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      resolve();
    });
  });
const queue = [...projects];
await Promise.all(
  Array.from({ length: Math.max(2, availableParallelism()) }, async () => {
    while (queue.length > 0) await check(queue.shift());
  }),
);
if (failed > 0) {
  console.error(`${failed} of ${projects.length} projects have type errors.`);
  process.exit(1);
}
