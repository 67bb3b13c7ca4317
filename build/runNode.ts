import { spawn } from 'node:child_process';

/** Runs node with `args` in `cwd` (default: the current directory, where npm runs scripts); rejects with its output on failure. */
export function runNode(args: readonly string[], env: Record<string, string>, cwd = process.cwd()): Promise<string> {
  const entry = args.join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${entry} exited with ${code}:\n${output}`))));
  });
}
