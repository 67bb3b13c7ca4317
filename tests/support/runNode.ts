import { runNode } from 'holdfast/build';

export { runNode };

/** Runs a TypeScript entry point of the repo in a child node process; rejects with its output on failure. */
export function runTs(entry: string, env: Record<string, string>): Promise<string> {
  return runNode(['--import', 'tsx', entry], env);
}
