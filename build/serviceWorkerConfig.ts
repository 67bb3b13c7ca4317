import type { UserConfig } from 'vite';
import { precacheManifestPlugin } from './precacheManifestPlugin.js';
import { precompressPlugin } from './precompress.js';

export type ServiceWorkerConfigOptions = {
  /** The worker's entry module (its `sw.ts`). */
  entry: string;
  /** The page's build folder: the worker is written into it as `sw.js`, after the page. */
  outDir: string;
  /** Files of the page's build left out of the precache list (precacheManifestPlugin's `skip`). */
  skip?: (path: string) => boolean;
  /** More compile-time constants for the worker (Vite's `define`). */
  define?: Record<string, string>;
};

/**
 * An app's worker build (its `vite.sw.config.ts`): one classic script, `sw.js`, written into the page's
 * build after it, with the page's files listed for precaching; as the last build, it then writes the
 * compressed copies of the whole folder. A classic script, not a module: every engine runs it as a worker.
 */
export function serviceWorkerConfig({ entry, outDir, skip, define = {} }: ServiceWorkerConfigOptions): UserConfig {
  return {
    publicDir: false,
    plugins: [precacheManifestPlugin({ outDir, skip }), precompressPlugin({ outDir })],
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...define },
    build: {
      outDir,
      emptyOutDir: false,
      sourcemap: 'hidden',
      lib: { entry, formats: ['iife'], name: 'serviceWorker', fileName: () => 'sw.js' },
    },
  };
}
