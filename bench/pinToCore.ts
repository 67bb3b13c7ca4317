import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Pins a process (all its threads) to one core, where there are two: a benchmark's server on core 0 and
 * its load on core 1, so the load never takes the server's CPU (or "capacity" measures the load).
 */
export function pinToCore(pid: number, core: number): void {
  if (availableParallelism() < 2) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
  } catch {
    // No taskset: both share the cores, and the figures say less.
  }
}
