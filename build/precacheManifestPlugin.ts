import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

export type PrecacheManifestOptions = {
  /** The app's build output, read after the app's own build. */
  outDir: string;
  /** Files (relative to outDir, with `/`) left out of the precache, besides sw.js, maps and Vite's own files. */
  skip?: (path: string) => boolean;
};

/**
 * For a service worker built after its app: replaces `self.__WB_MANIFEST` with the list of files to
 * precache, each with an md5 of its bytes as its revision. This does what workbox-build's injectManifest
 * does, in 30 lines, because workbox-build (and vite-plugin-pwa on top of it) pulls in a rollup whose
 * platform packages break `npm ci` on these machines.
 */
export function precacheManifestPlugin({ outDir, skip = () => false }: PrecacheManifestOptions): Plugin {
  const always = (path: string) => path === 'sw.js' || path.endsWith('.map') || path.startsWith('.vite/');
  return {
    name: 'holdfast-precache-manifest',
    transform(code, id) {
      if (!code.includes('self.__WB_MANIFEST')) return null;
      const entries = listFiles(outDir)
        .filter((path) => !always(path) && !skip(path))
        .map((path) => ({
          url: `/${path}`,
          revision: createHash('md5')
            .update(readFileSync(join(outDir, path)))
            .digest('hex'),
        }));
      if (!entries.some((entry) => entry.url === '/index.html')) throw new Error(`${id}: build the app first (${join(outDir, 'index.html')} is missing).`);
      return { code: code.replace('self.__WB_MANIFEST', JSON.stringify(entries)), map: null };
    },
  };
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path).split(sep).join('/')];
  });
}
