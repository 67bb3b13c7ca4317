import { spawn } from 'node:child_process';
import { repoRoot } from './paths.js';

/** Runs a TypeScript entry point of the repo in a child node process; rejects with its output on failure. */
export function runTs(entry: string, env: Record<string, string>): Promise<string> {
  return runNode(['--import', 'tsx', entry], env);
}

/** Runs node with `args` in the repo; rejects with its output on failure. */
export function runNode(args: readonly string[], env: Record<string, string>): Promise<string> {
  const entry = args.join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${entry} exited with ${code}:\n${output}`))));
  });
}
