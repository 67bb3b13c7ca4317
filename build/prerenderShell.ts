import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Puts an app's first screen into its built `index.html` as static markup, so the first paint does not
 * wait for the script: `<div id="root"></div>` becomes `<div id="root">…</div>`, and the page hydrates it
 * (react-dom's hydrateRoot) instead of rendering from nothing. `renderShell()` must produce exactly what the app
 * renders first, from the same components (renderToString).
 *
 * Run by prerenderPlugin at the end of the page's build, before the worker's build lists the page's final
 * bytes to precache:  node --import tsx build/prerenderShell.ts <dist/index.html> <module exporting renderShell(): string>
 */
function prerenderInto(indexFile: string, markup: string, rootId = 'root'): void {
  const html = readFileSync(indexFile, 'utf8');
  const empty = `<div id="${rootId}"></div>`;
  if (!html.includes(empty)) throw new Error(`${indexFile}: no empty ${empty} to prerender into (built twice?).`);
  writeFileSync(indexFile, html.replace(empty, `<div id="${rootId}">${markup}</div>`));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [indexFile, module] = process.argv.slice(2);
  if (!indexFile || !module) throw new Error('usage: prerenderShell.ts <index.html> <module exporting renderShell()>');
  const { renderShell } = (await import(pathToFileURL(resolve(module)).href)) as { renderShell: () => string };
  prerenderInto(indexFile, renderShell());
  console.log(`prerendered ${module} into ${indexFile}`);
}
