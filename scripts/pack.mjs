// npm run pack: the framework as an installable package. TypeScript's own emit (ESM JavaScript and .d.ts,
// file by file, the layout kept), the core migrations beside the server's code, a package.json whose
// exports name the emitted files and whose dependencies are the ones the emitted code imports, then
// `npm pack`. Prints the tarball's path. `--stage-only` stops before `npm pack` (the API report reads the
// staged .d.ts files).
//
// Why tsc and not a bundler: the files keep their places, so `../migrations` and the page loader's
// source resolve in the package as they do here, and an app's bundler tree-shakes per file.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cache = join(root, '.cache', 'pack');
const staged = join(cache, 'holdfast');
const stageOnly = process.argv.includes('--stage-only');

// One program per folder: their libs differ (WebWorker for shared and sw, DOM for react and build, Node
// for server), and one program cannot hold both DOM and WebWorker.
const folders = ['shared', 'react', 'sw', 'server', 'build'];

/** The public entries: what an app imports, and the file each names. */
export const entries = {
  core: 'shared/index',
  client: 'shared/client',
  envelope: 'shared/envelope',
  react: 'react/index',
  sw: 'sw/index',
  server: 'server/index',
  'server-core': 'server/core',
  build: 'build/index',
};

/**
 * What the emitted code needs at run time, by the package that provides it. Workbox is a dependency, not a
 * peer: holdfast/sw's entry names every part, so an app's worker build resolves all of them (an optional
 * peer left out fails the build), and npm gives an app that also names a workbox package one shared copy.
 * Peers: idb, whose wrap/unwrap caches are module state the app's own imports must share; React and Vite,
 * the app's own, optional, so a server-only app is not given them; ECharts (60 MB), optional, for whoever
 * draws outage reports' charts (reportHtml loads it then, and says how to install it when it is missing).
 */
const dependencyNames = [
  '@electric-sql/pglite',
  '@fastify/compress',
  '@fastify/cookie',
  '@fastify/cors',
  '@fastify/rate-limit',
  '@fastify/static',
  '@fastify/under-pressure',
  'cockatiel',
  'esbuild',
  'eventsource-parser',
  'fastify',
  'marked',
  'pg',
  'pino',
  'prom-client',
  'uuid',
  'workbox-background-sync',
  'workbox-cacheable-response',
  'workbox-core',
  'workbox-expiration',
  'workbox-precaching',
  'workbox-routing',
  'workbox-strategies',
  'zod',
];
const peerNames = ['echarts', 'idb', 'react', 'vite'];
const requiredPeers = new Set(['idb']);

function run(command, args, options = {}) {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

export function stage() {
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  for (const folder of folders) {
    const started = Date.now();
    run(process.execPath, [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      folder,
      '--noEmit',
      'false',
      '--declaration',
      '--rootDir',
      '.',
      '--outDir',
      staged,
    ]);
    console.log(`emitted ${folder}/ (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  // The core migrations, read from beside the code (server/db/migrate.ts)…
  cpSync(join(root, 'server', 'migrations'), join(staged, 'server', 'migrations'), {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || path.endsWith('.sql'),
  });
  // …and written into coreMigrationSources, whose Vite glob would work only where Vite builds this file
  // (not in Node, not in Vite's dev prebundle): the package carries the text itself.
  const sourcesFile = join(staged, 'server', 'db', 'coreMigrationSources.js');
  const files = readdirSync(join(root, 'server', 'migrations'))
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const literal = `{ ${files.map((name) => `${JSON.stringify(`../migrations/${name}`)}: ${JSON.stringify(readFileSync(join(root, 'server', 'migrations', name), 'utf8'))}`).join(', ')} }`;
  const emitted = readFileSync(sourcesFile, 'utf8');
  const globCall = /import\.meta\.glob\([^)]*\)/;
  if (!globCall.test(emitted)) throw new Error(`${sourcesFile}: no import.meta.glob(…) to replace; the packed migrations would be missing.`);
  writeFileSync(sourcesFile, emitted.replace(globCall, literal));
  writePackageJson();
  cpSync(join(root, 'README.md'), join(staged, 'README.md'));
  return staged;
}

function writePackageJson() {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const range = (name) => {
    const found = own.dependencies?.[name] ?? own.devDependencies?.[name];
    if (!found) throw new Error(`package.json names no version of ${name}, which the packed framework needs.`);
    return found;
  };
  const exportsMap = Object.fromEntries(Object.entries(entries).map(([name, file]) => [`./${name}`, { types: `./${file}.d.ts`, default: `./${file}.js` }]));
  for (const { types } of Object.values(exportsMap)) if (!existsSync(join(staged, types))) throw new Error(`The emit wrote no ${types}.`);
  const packed = {
    name: own.name,
    version: own.version,
    description:
      'Offline-first web client framework: IndexedDB outbox replayed exactly once, delta sync, CDN cascade, service worker parts, and a reference server.',
    license: own.license ?? 'UNLICENSED',
    type: 'module',
    engines: { node: '>=20' },
    sideEffects: false,
    files: [...folders, 'README.md'],
    exports: { ...exportsMap, './package.json': './package.json' },
    dependencies: Object.fromEntries(dependencyNames.map((name) => [name, range(name)])),
    peerDependencies: Object.fromEntries(peerNames.map((name) => [name, range(name)])),
    peerDependenciesMeta: Object.fromEntries(peerNames.filter((name) => !requiredPeers.has(name)).map((name) => [name, { optional: true }])),
  };
  writeFileSync(join(staged, 'package.json'), `${JSON.stringify(packed, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  stage();
  if (!stageOnly) {
    const output = execFileSync('npm', ['pack', staged, '--pack-destination', cache, '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8' });
    const [{ filename }] = JSON.parse(output);
    console.log(join(cache, filename));
  }
}
