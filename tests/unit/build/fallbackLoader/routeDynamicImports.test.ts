import { describe, expect, it } from 'vitest';
import { routeDynamicImports } from 'holdfast/internal/build';

describe('routeDynamicImports', () => {
  it("sends the chunk's dynamic imports of its siblings through the page loader, keeping a plain import() fallback", () => {
    const code = 'const View=lazy(()=>p(()=>import(`./WorkspaceView-6sl.js`).then(m=>m),[],import.meta.url));';
    expect(routeDynamicImports(code, ['assets/WorkspaceView-6sl.js'])).toBe(
      'const View=lazy(()=>p(()=>(globalThis.__holdfastImport?globalThis.__holdfastImport(import.meta.url,`./WorkspaceView-6sl.js`):import(`./WorkspaceView-6sl.js`)).then(m=>m),[],import.meta.url));',
    );
  });

  it('leaves other imports, and the same text naming files that are not its dynamic imports, alone', () => {
    const code = 'import("./a.js");import(\'./b.js\');const s="import(\\"./c.js\\")";import(url);';
    const routed = routeDynamicImports(code, ['assets/a.js']);
    expect(routed).toContain('__holdfastImport(import.meta.url,"./a.js")');
    expect(routed).toContain("import('./b.js')");
    expect(routed).toContain('import(url)');
    expect(routeDynamicImports(code, [])).toBe(code);
  });
});
