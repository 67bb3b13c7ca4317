// npm run api: checks each public entry's API against its checked-in report (api/holdfast-<entry>.api.md),
// read by @microsoft/api-extractor from the packed .d.ts files. `npm run api:update` (--local) writes the
// reports anew: commit them with the change that moved the API. Without --stage, it reads the package
// `npm run pack` staged last.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { entries, stage } from './pack.mjs';

const root = join(import.meta.dirname, '..');
const staged = join(root, '.cache', 'pack', 'holdfast');

/** Each entry's compiler settings: the libs its code is written for (api-extractor brings its own TypeScript). */
const environments = {
  core: { lib: ['es2022', 'webworker'], types: [] },
  client: { lib: ['es2022', 'webworker'], types: [] },
  envelope: { lib: ['es2022', 'webworker'], types: [] },
  react: { lib: ['es2022', 'dom'], types: [] },
  sw: { lib: ['es2022', 'webworker'], types: [] },
  server: { lib: ['es2022'], types: ['node'] },
  'server-core': { lib: ['es2022'], types: ['node'] },
  build: { lib: ['es2022', 'dom'], types: ['node'] },
};

/** Checks (or, `local`, rewrites) every entry's report; answers the entries whose API differs from it. */
export function checkApiReports({ local = false, log = console.log } = {}) {
  const changed = [];
  const configFile = join(staged, 'api-extractor.json');
  writeFileSync(configFile, '{}\n');
  mkdirSync(join(root, 'api'), { recursive: true });
  for (const [entry, file] of Object.entries(entries)) {
    const config = ExtractorConfig.prepare({
      configObjectFullPath: configFile,
      packageJsonFullPath: join(staged, 'package.json'),
      configObject: {
        projectFolder: staged,
        mainEntryPointFilePath: join(staged, `${file}.d.ts`),
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              module: 'esnext',
              moduleResolution: 'bundler',
              target: 'es2022',
              skipLibCheck: true,
              strict: true,
              typeRoots: [join(root, 'node_modules', '@types')],
              ...environments[entry],
            },
          },
        },
        apiReport: { enabled: true, reportFolder: join(root, 'api'), reportTempFolder: join(root, '.cache', 'api'), reportFileName: `holdfast-${entry}` },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'error' } },
          extractorMessageReporting: {
            default: { logLevel: 'warning', addToApiReportFile: true },
            // The framework marks no release stages (@public, @beta): every exported name is public.
            'ae-missing-release-tag': { logLevel: 'none' },
            // Whether a name has a doc comment is for review, not for the API's record.
            'ae-undocumented': { logLevel: 'none' },
          },
          // Doc comments here are prose for people, not TSDoc markup.
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
    });
    const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
    if (result.apiReportChanged) changed.push(entry);
    log(
      `${result.apiReportChanged ? (local ? 'updated  ' : 'CHANGED  ') : 'unchanged'} api/holdfast-${entry}.api.md${result.errorCount ? ` (${result.errorCount} errors)` : ''}`,
    );
    if (result.errorCount > 0) throw new Error(`api-extractor found ${result.errorCount} errors in holdfast/${entry}.`);
  }
  return changed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const local = process.argv.includes('--local');
  if (process.argv.includes('--stage') || local) stage();
  const changed = checkApiReports({ local });
  if (changed.length > 0 && !local) {
    console.error(
      `The public API of ${changed.map((entry) => `holdfast/${entry}`).join(', ')} differs from its report in api/. If the change is meant, run \`npm run api:update\` and commit api/.`,
    );
    process.exit(1);
  }
}
