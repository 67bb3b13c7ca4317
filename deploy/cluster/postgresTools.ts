import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Debian's PostgreSQL, driven from Node: where its binaries are, and how to run them. PostgreSQL refuses
 * to run as root, so as root every command runs as the `postgres` user (`su postgres -c`), in directories
 * that user owns; as anyone else, as that user.
 */
const isRoot = process.getuid?.() === 0;

/** The newest installed version's bin directory (`/usr/lib/postgresql/<version>/bin`), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** Runs a shell command as the PostgreSQL user; throws with its output when it fails. */
export function runAsPostgres(command: string): string {
  const result = isRoot ? spawnSync('su', ['postgres', '-c', command], { encoding: 'utf8' }) : spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * The same, without blocking this process while it runs: for a process that serves something meanwhile
 * (the chaos runner's proxy, say).
 */
export function runAsPostgresAsync(command: string): Promise<string> {
  const child = isRoot ? spawn('su', ['postgres', '-c', command]) : spawn('sh', ['-c', command]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} failed:\n${stdout}\n${stderr}`))));
  });
}

/** Creates `dir` and gives it to the PostgreSQL user (as root; otherwise it is already ours). */
export function postgresOwnedDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  if (isRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  return dir;
}
