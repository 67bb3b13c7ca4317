import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { runNode } from './runNode.js';

/** Where the first screen comes from: `prerenderPlugin`'s options. */
export type PrerenderOptions = {
  /** The module exporting `renderShell(): string` (TSX: loaded with tsx, which the app installs). */
  module: string;
  /** The page's tsconfig, for its JSX settings. */
  tsconfig: string;
};

/**
 * Puts the page's first screen into the built `index.html` once the page's build is written
 * (prerenderShell.ts), before the worker's build lists the page's final bytes to precache. It runs in
 * a Node process of its own, with tsx: the module is the app's TSX, the same components the page hydrates.
 */
export function prerenderPlugin({ module, tsconfig }: PrerenderOptions): Plugin {
  let outDir = '';
  return {
    name: 'holdfast-prerender',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    // After every other plugin's closeBundle (which Rollup runs in parallel), since others rewrite index.html too.
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        const here = fileURLToPath(import.meta.url);
        // The packed framework ships prerenderShell.js; this repository runs prerenderShell.ts.
        const script = join(here, '..', `prerenderShell${extname(here)}`);
        this.info(await runNode(['--import', 'tsx', script, join(outDir, 'index.html'), module], { TSX_TSCONFIG_PATH: tsconfig }));
      },
    },
  };
}
