import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { runNode } from './runNode.js';

/** The app and its service worker built as for production behind CDN hosts (`CDN_HOSTS`), into a directory of their own. */
export async function buildWithCdn(hosts: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'holdfast-cdn-build-'));
  const buildEnv = { ...env, CDN_HOSTS: hosts.join(','), HOLDFAST_OUT_DIR: outDir };
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  await runNode([vite, 'build', '--logLevel', 'warn'], buildEnv);
  await runNode(['--import', 'tsx', 'build/prerenderShell.ts', join(outDir, 'index.html'), 'app/prerender.tsx'], { ...buildEnv, TSX_TSCONFIG_PATH: 'app/tsconfig.json' });
  await runNode([vite, 'build', '--config', 'vite.sw.config.ts', '--logLevel', 'warn'], buildEnv);
  await runNode([join(repoRoot, 'scripts', 'precompress.mjs'), outDir], buildEnv);
  return outDir;
}
