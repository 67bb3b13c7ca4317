// `npm run new-app <name> [-- --into <folder>] [--holdfast <dependency>]`: a new app from the minimal
// one of docs/build-an-app.md (examples/notes: every file the guide shows), renamed. By default it lands in
// examples/<name>, where build, start, typecheck and test find it with no other change. With --into, it
// lands in a folder outside this repository instead, with a package.json that installs the framework as a
// package (--holdfast: the dependency, default the tarball `npm run pack` writes) and without the tests,
// which use this repository's test support.
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './apps.mjs';

const template = join(repoRoot, 'examples', 'notes');
const templateName = 'notes';

function fail(message) {
  console.error(message);
  process.exit(2);
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { into: { type: 'string' }, holdfast: { type: 'string' } } });
const [name, ...extra] = positionals;
if (!name || extra.length > 0) fail('Usage: npm run new-app <name> [-- --into <folder>] [--holdfast <dependency>]');
// The name goes into database names, an outbox scope, a folder and a URL-safe data directory.
if (!/^[a-z][a-z0-9-]{1,39}$/.test(name)) fail(`"${name}" cannot name an app: use 2 to 40 lower-case letters, digits or dashes, starting with a letter.`);
const target = values.into ? resolve(values.into) : join(repoRoot, 'examples', name);
const inRepo = !relative(repoRoot, target).startsWith('..');
if (values.into && inRepo) fail(`--into is for a folder outside this repository; inside it, apps live in examples/<name>.`);
if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) fail(`${target} exists and is not empty: nothing was written.`);

const skipped = (path) => /[\\/](dist|data|node_modules)$/.test(path) || (!inRepo && /[\\/]tests$/.test(path));
cpSync(template, target, { recursive: true, filter: (path) => !skipped(path) });

/** The few places the template names itself. */
const title = name.replace(/(^|-)([a-z])/g, (_, dash, letter) => (dash ? ' ' : '') + letter.toUpperCase());
const renames = [
  ['shared/notes.ts', `export const appName = '${templateName}';`, `export const appName = '${name}';`],
  ['client/index.html', '<title>Notes</title>', `<title>${title}</title>`],
  ...(inRepo ? ['tests/notesApp.spec.ts', 'tests/privateNotes.test.ts'] : []).map((file) => [
    file,
    `const appName = '${templateName}';`,
    `const appName = '${name}';`,
  ]),
];
for (const [file, from, to] of renames) {
  const path = join(target, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) fail(`The template changed: ${file} no longer holds ${from}`);
  writeFileSync(path, text.replace(from, to));
}

if (!inRepo) {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
  const version = (dependency) => `^${lock.packages[`node_modules/${dependency}`].version}`;
  const { version: holdfastVersion } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const holdfast = values.holdfast ?? `file:${join(repoRoot, '.cache', 'pack', `holdfast-${holdfastVersion}.tgz`)}`;
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: {
      build: 'vite build --config vite.config.ts && vite build --config vite.sw.config.ts',
      start: 'SEED=demo PORT=8090 STATIC_DIR=dist tsx server/main.ts',
      typecheck: 'tsc -p client && tsc -p worker && tsc -p server',
    },
    dependencies: Object.fromEntries([
      ['holdfast', holdfast],
      ...['idb', 'react', 'react-dom', 'workbox-precaching'].map((dependency) => [dependency, version(dependency)]),
    ]),
    devDependencies: Object.fromEntries(
      ['vite', '@vitejs/plugin-react', 'typescript', 'tsx', '@types/react', '@types/react-dom', '@types/node'].map((dependency) => [
        dependency,
        version(dependency),
      ]),
    ),
  };
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

console.log(`New app "${name}" in ${relative(process.cwd(), target) || '.'}.`);
console.log(
  inRepo
    ? `Start it: npm start -- ${name}   (http://localhost:8090, ann@${name}.example / holdfast). npm test builds, typechecks and tests it.`
    : 'Then: npm install && npm run build && npm start   (needs the framework packed first: npm run pack in the Holdfast repository).',
);
