import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const guide = 'docs/build-an-app.md';

/**
 * The guide's code blocks are excerpts of real files (named in each block's first line), which the
 * typecheck compiles: each excerpt — split at `// …` — must still be in its file, line for line.
 */
function codeBlocks(markdown: string): { language: string; lines: string[] }[] {
  return [...markdown.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, language, body]) => ({ language: language!, lines: body!.replace(/\n$/, '').split('\n') }));
}

describe(guide, () => {
  const blocks = codeBlocks(readFileSync(join(root, guide), 'utf8')).filter((block) => ['ts', 'tsx', 'sql'].includes(block.language));

  it('has code blocks, each naming a real file of the example', () => {
    expect(blocks.length).toBeGreaterThan(8);
    for (const block of blocks) {
      const path = block.lines[0]!.replace(/^(\/\/|--) /, '');
      expect(path, block.lines.join('\n')).toMatch(/^examples\//);
      expect(existsSync(join(root, path)), path).toBe(true);
    }
  });

  it('each excerpt is in its file word for word', () => {
    for (const block of blocks) {
      const path = block.lines[0]!.replace(/^(\/\/|--) /, '');
      const source = readFileSync(join(root, path), 'utf8');
      const fragments = block.lines
        .slice(1)
        .join('\n')
        .split(/^\s*\/\/ …\s*$/m)
        .map((fragment) => fragment.replace(/^\n+|\n+$/g, ''))
        .filter((fragment) => fragment.length > 0);
      for (const fragment of fragments) expect(source.includes(fragment), `${path} no longer holds:\n${fragment}`).toBe(true);
    }
  });
});
