/** The global the page loader defines (pageAssetLoader.ts): `(importerUrl, specifier) => Promise<module>`. */
const cascadeImportGlobal = '__holdfastImport';

/**
 * Rewrites a built chunk's dynamic imports of its sibling chunks — `import("./Chunk-hash.js")`, in any
 * quotes — into calls to the page loader's cascade import, so a lazy chunk whose host has died since the
 * entry loaded comes from the next host. Only the chunk's own dynamic imports (by file name) are touched:
 * the text `import(` in a string or a comment is left alone. Falls back to a plain import() where no loader
 * runs. (Rolldown has no renderDynamicImport hook, hence text: rolldown/rolldown#4532.)
 */
export function routeDynamicImports(code: string, dynamicImportFiles: readonly string[]): string {
  if (dynamicImportFiles.length === 0) return code;
  const names = new Set(dynamicImportFiles.map((file) => file.slice(file.lastIndexOf('/') + 1)));
  return code.replace(/\bimport\(\s*(["'`])\.\/([^"'`]+\.js)\1\s*\)/g, (call, quote: string, name: string) => {
    if (!names.has(name)) return call;
    const specifier = `${quote}./${name}${quote}`;
    return `(globalThis.${cascadeImportGlobal}?globalThis.${cascadeImportGlobal}(import.meta.url,${specifier}):import(${specifier}))`;
  });
}
