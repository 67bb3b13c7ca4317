import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const guide = 'docs/build-an-app.md';
/** The app `npm run new-app` copies: the guide shows every file of it whole (its tests aside). */
const newAppTemplate = 'examples/notes';

type Block = { language: string; lines: string[]; wholeFile?: string };

/**
 * The guide's code blocks: a block right after a line naming a file in bold code (**`path`**) is that file
 * whole; any other ts/tsx/sql block is an excerpt, its first line naming its file.
 */
function codeBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/(?:\*\*`([^`]+)`\*\*\n\n)?```(\w+)\n([\s\S]*?)```/g)].map(([, wholeFile, language, body]) => ({
    language: language!,
    lines: body!.replace(/\n$/, '').split('\n'),
    wholeFile,
  }));
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ['dist', 'node_modules', 'tests', 'data'].includes(name) ? [] : filesUnder(path);
    return [path];
  });

describe(guide, () => {
  const all = codeBlocks(readFileSync(join(root, guide), 'utf8'));
  const whole = all.filter((block) => block.wholeFile);
  const excerpts = all.filter((block) => !block.wholeFile && ['ts', 'tsx', 'sql'].includes(block.language));

  it('shows every file of the app new-app writes, whole and as it is', () => {
    const shown = new Map(whole.map((block) => [block.wholeFile!, `${block.lines.join('\n')}\n`]));
    const files = filesUnder(join(root, newAppTemplate)).map((path) => relative(root, path));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(shown.get(file), `${file} is not shown whole in ${guide}, or differs`).toBe(readFileSync(join(root, file), 'utf8'));
    expect([...shown.keys()].filter((file) => !files.includes(file))).toEqual([]);
  });

  it('has excerpts, each naming a real file of the example', () => {
    expect(excerpts.length).toBeGreaterThan(8);
    for (const block of excerpts) {
      const path = block.lines[0]!.replace(/^(\/\/|--) /, '');
      expect(path, block.lines.join('\n')).toMatch(/^examples\//);
      expect(existsSync(join(root, path)), path).toBe(true);
    }
  });

  it('each excerpt is in its file word for word', () => {
    for (const block of excerpts) {
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
