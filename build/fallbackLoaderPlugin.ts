import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cascadeDefaults } from '../shared/cascadeCore.js';
import type { Plugin } from 'vite';
import { assetContentTypes } from './assetManifestPlugin.js';
import type { LoaderAsset, LoaderConfig, LoaderModule } from './fallbackLoader/pageAssetLoader.js';
import { routeDynamicImports } from './fallbackLoader/routeDynamicImports.js';

// The TypeScript source in this repository; the emitted JavaScript in the installed package (npm run pack).
const loaderSource = ['pageAssetLoader.ts', 'pageAssetLoader.js']
  .map((file) => join(dirname(fileURLToPath(import.meta.url)), 'fallbackLoader', file))
  .find((path) => existsSync(path))!;

/** The entry's tags as Vite writes them into index.html. */
const entryTag = /<(script|link)\b([^>]*?)\s(src|href)="([^"]+)"([^>]*)>(<\/script>)?/g;

export type FallbackLoaderOptions = {
  /** CDN hosts in order of preference; none: the origin serves, and the tags only gain `integrity`. */
  cdnHosts: readonly string[];
  firstByteMs?: number;
  totalMs?: number;
  coolDownMs?: number;
  hedgeDelayMs?: number;
};

const sha384 = (bytes: Buffer) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/**
 * After the build, every entry tag of index.html (module script, stylesheet, module preload) gets an
 * `integrity` attribute, so no host — CDN or origin — can serve the page other bytes than the build's.
 * With CDN hosts, the tags are replaced by the inline page loader (fallbackLoader/pageAssetLoader.ts),
 * which tries the hosts in order when no service worker controls the page. It is inline because a
 * loader fetched from the primary would fail with it; it goes at the end of the body, where the app's
 * root element already is. Dynamic imports of the build's chunks are routed through the loader too
 * (routeDynamicImports.ts), and every JS module's digest goes into an import map's `integrity`, so lazy
 * chunks are checked like the entry.
 */
export function fallbackLoaderPlugin(options: FallbackLoaderOptions): Plugin {
  let outDir = '';
  /** Every built JS module's static imports, by path. */
  const staticImports: Record<string, string[]> = {};
  return {
    name: 'holdfast-fallback-loader',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    renderChunk(code, chunk) {
      if (options.cdnHosts.length === 0) return null;
      const routed = routeDynamicImports(code, chunk.dynamicImports);
      return routed === code ? null : { code: routed, map: null };
    },
    generateBundle(_, bundle) {
      for (const file of Object.values(bundle)) if (file.type === 'chunk') staticImports[`/${file.fileName}`] = file.imports.map((name) => `/${name}`);
    },
    async closeBundle() {
      const indexFile = join(outDir, 'index.html');
      const html = readFileSync(indexFile, 'utf8');
      const assets: LoaderAsset[] = [];
      const withIntegrity = html.replace(entryTag, (tag, element: string, before: string, attribute: string, url: string, after: string) => {
        const kind = element === 'script' ? 'script' : /rel="stylesheet"/.test(tag) ? 'style' : /rel="modulepreload"/.test(tag) ? 'modulepreload' : undefined;
        const path = new URL(url, 'http://origin.invalid').pathname;
        if (!kind || !path.startsWith('/assets/')) return tag;
        const integrity = sha384(readFileSync(join(outDir, path)));
        const contentType = assetContentTypes[path.slice(path.lastIndexOf('.'))] ?? '';
        assets.push({ kind, path, integrity, contentType });
        if (options.cdnHosts.length > 0) return '';
        return `<${element}${before} ${attribute}="${url}" integrity="${integrity}"${after}>${element === 'script' ? '</script>' : ''}`;
      });
      if (options.cdnHosts.length === 0) return writeFileSync(indexFile, withIntegrity);
      const modules: Record<string, LoaderModule> = {};
      for (const [path, imports] of Object.entries(staticImports)) modules[path] = { integrity: sha384(readFileSync(join(outDir, path))), imports };
      const config: LoaderConfig = {
        hosts: [...options.cdnHosts],
        assets,
        modules,
        firstByteMs: options.firstByteMs ?? cascadeDefaults.firstByteMs,
        totalMs: options.totalMs ?? cascadeDefaults.totalMs,
        coolDownMs: options.coolDownMs ?? cascadeDefaults.coolDownMs,
        hedgeDelayMs: options.hedgeDelayMs ?? cascadeDefaults.hedgeDelayMs,
        lastChanceMs: cascadeDefaults.lastChanceFirstByteMs,
      };
      const script = `<script>${await bundlePageLoader(config)}</script>`;
      // The removed tags leave blank lines behind.
      writeFileSync(indexFile, withIntegrity.replace(/\n[ \t]*(?=\n)/g, '').replace('</body>', `  ${script}\n  </body>`));
    },
  };
}

/**
 * The page loader as it goes into index.html: bundled, not only transformed, because it imports the
 * cascade's pieces from the framework (shared/cascadeCore.ts), and minified. Also used by the size budget.
 */
export async function bundlePageLoader(config: LoaderConfig): Promise<string> {
  const loader = await build({
    entryPoints: [loaderSource],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    target: 'es2020',
    define: { __HOLDFAST_LOADER_CONFIG__: JSON.stringify(config) },
  });
  return loader.outputFiles[0]!.text.trim();
}
