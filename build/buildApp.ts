import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/**
 * The workspace built for production into `outDir`, as `npm run build` does it (the app, its prerendered
 * sign-in, the service worker, compressed copies), with extra build-time settings in `env` (CDN_HOSTS,
 * HOLDFAST_VERSION, VITE_DEMO_ONLY…). For builds other than dist/: tests' releases, the static demo.
 */
export async function buildApp(outDir: string, env: Record<string, string> = {}): Promise<void> {
  const buildEnv = { ...env, HOLDFAST_OUT_DIR: outDir };
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  await run([vite, 'build', '--logLevel', 'warn'], buildEnv);
  await run(['--import', 'tsx', 'build/prerenderShell.ts', join(outDir, 'index.html'), 'app/prerender.tsx'], { ...buildEnv, TSX_TSCONFIG_PATH: 'app/tsconfig.json' });
  await run([vite, 'build', '--config', 'vite.sw.config.ts', '--logLevel', 'warn'], buildEnv);
  await run([join(repoRoot, 'scripts', 'precompress.mjs'), outDir], buildEnv);
}

function run(args: readonly string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}
