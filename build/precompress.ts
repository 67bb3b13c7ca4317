import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

// Text, and the demo's PGlite (WebAssembly and its data file: 15 MB, about a quarter of it compressed).
const text = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map|wasm|data)$/;
/** Brotli's top quality on megabytes takes tens of seconds a file; a lower one loses a few percent. */
const bigBytes = 1024 * 1024;
const minBytes = 512;

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file of 512 bytes or more of a build (JS,
 * CSS, HTML, SVG, JSON, the web manifest, text, the demo's WebAssembly and data; maps aside), so the origin — and a CDN that pulls from it — sends compressed bytes without compressing per
 * request (@fastify/static's `preCompressed` picks one by Accept-Encoding, with `Vary: Accept-Encoding`).
 * Node's own zlib at top quality (brotli 7 for files over 1 MiB): a build compresses once, every visitor gains. A compressed copy
 * that is not smaller than the file is not written (the file is then served as it is).
 */
export function precompressDir(dir: string): { files: number; bytes: number; brotliBytes: number } {
  const totals = { files: 0, bytes: 0, brotliBytes: 0 };
  for (const path of filesUnder(dir)) {
    if (!text.test(path) || path.endsWith('.map')) continue;
    const bytes = readFileSync(path);
    if (bytes.length < minBytes) continue;
    const quality = bytes.length > bigBytes ? 7 : 11;
    const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    const gz = gzipSync(bytes, { level: 9 });
    if (br.length < bytes.length) writeFileSync(`${path}.br`, br);
    if (gz.length < bytes.length) writeFileSync(`${path}.gz`, gz);
    totals.files++;
    totals.bytes += bytes.length;
    totals.brotliBytes += br.length;
  }
  return totals;
}

/**
 * The last build of an app (its worker's) compresses the whole output folder once it is written:
 * `precompressPlugin({ outDir })` in `vite.sw.config.ts`.
 */
export function precompressPlugin({ outDir }: { outDir: string }): Plugin {
  return {
    name: 'holdfast-precompress',
    apply: 'build',
    // After every other plugin's closeBundle: the files must be final before they are compressed.
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const { files, bytes, brotliBytes } = precompressDir(outDir);
        this.info(`precompressed ${files} files: ${(bytes / 1024).toFixed(0)} KiB → ${(brotliBytes / 1024).toFixed(0)} KiB with brotli`);
      },
    },
  };
}
