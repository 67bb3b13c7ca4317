import { buildApp } from '../../app/build/buildApp.js';
import { tempDir } from './tempDir.js';

/** The app and its service worker built as for production behind CDN hosts (`CDN_HOSTS`), into a directory of their own. */
export async function buildWithCdn(hosts: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const outDir = tempDir('holdfast-cdn-build-');
  await buildApp(outDir, { ...env, CDN_HOSTS: hosts.join(',') });
  return outDir;
}
