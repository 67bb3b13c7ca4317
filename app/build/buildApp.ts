import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode as run } from 'holdfast/build';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/**
 * The workspace built for production into `outDir`, as `npm run build` does it (the page with its prerendered
 * sign-in, then the service worker, which compresses the build), with extra build-time settings in `env` (CDN_HOSTS,
 * HOLDFAST_VERSION, VITE_DEMO_ONLY…). For builds other than dist/: tests' releases, the static demo.
 */
export async function buildApp(outDir: string, env: Record<string, string> = {}): Promise<void> {
  const buildEnv = { ...env, HOLDFAST_OUT_DIR: outDir };
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  await run([vite, 'build', '--configLoader', 'runner', '--config', 'app/vite.config.ts', '--logLevel', 'warn'], buildEnv, repoRoot);
  await run([vite, 'build', '--configLoader', 'runner', '--config', 'app/vite.sw.config.ts', '--logLevel', 'warn'], buildEnv, repoRoot);
}
