import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Plugin } from 'vite';

/** Content types the cascade requires each kind of asset to be served with (an HTML error page is not a script). */
export const assetContentTypes: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  // PGlite, in the demo's backend worker.
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
};

export const assetManifestFile = 'asset-manifest.json';

/**
 * After the build, writes `asset-manifest.json`: for every content-hashed file under `assets/` (source maps
 * aside), its SHA-256, size and required content type. The CDN cascade checks every byte it is served
 * against it, so a stale or tampered mirror cannot serve wrong code.
 */
export function assetManifestPlugin(): Plugin {
  let outDir = '';
  return {
    name: 'holdfast-asset-manifest',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const manifest: Record<string, { sha256: string; size: number; contentType: string }> = {};
      for (const name of readdirSync(join(outDir, 'assets')).sort()) {
        const contentType = assetContentTypes[extname(name)];
        if (!contentType) continue;
        const bytes = readFileSync(join(outDir, 'assets', name));
        manifest[`/assets/${name}`] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, contentType };
      }
      writeFileSync(join(outDir, assetManifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}
