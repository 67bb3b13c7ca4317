import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export type ManagedProcessOptions = {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string>;
  /** Whether the process is ready (e.g. its health URL answers 200); polled after each start. */
  ready: () => Promise<boolean>;
  /** How long a start may take before it counts as failed; default 120 s (a starved machine is slow). */
  readyTimeoutMs?: number;
  /** How often `ready` is asked; default 100 ms. */
  pollMs?: number;
};

/**
 * A child process of the cluster (a server node, HAProxy) or of a test: started, waited for until ready,
 * stopped as an operator does (SIGTERM, then SIGKILL after a grace period) or killed as in a crash, and
 * started again with the same arguments. Its output is kept, for the error that says why it did not come up.
 */
export class ManagedProcess {
  #child: ChildProcess | undefined;
  #output = '';
  readonly #options: ManagedProcessOptions;
  env: Record<string, string>;

  constructor(options: ManagedProcessOptions) {
    this.#options = options;
    this.env = { ...options.env };
  }

  get output(): string {
    return this.#output;
  }
  get pid(): number | undefined {
    return this.#child?.pid;
  }
  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process and resolves once it is ready; rejects with its output if it exits or times out first. */
  async start(): Promise<void> {
    const { command, args, cwd, ready, readyTimeoutMs = 120_000, pollMs = 100 } = this.#options;
    const child = spawn(command, args, { cwd, env: { ...(process.env as Record<string, string>), ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.on('data', (chunk) => (this.#output += chunk));
    child.stderr!.on('data', (chunk) => (this.#output += chunk));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`${command} exited (${signal ?? code}) before it was ready:\n${this.#output}`)));
    });
    exited.catch(() => undefined);
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (await ready().catch(() => false)) return;
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, pollMs))]);
    }
    child.kill('SIGKILL');
    throw new Error(`${command} was not ready within ${readyTimeoutMs} ms:\n${this.#output}`);
  }

  /** Stops it as an operator does: `signal` (SIGTERM), then SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kills it outright (SIGKILL): no clean-up at all, as in a crash. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }
}

/** A TCP port free on loopback now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether `url` answers 200 now (within `timeoutMs`). */
export async function answersOk(url: string, timeoutMs = 2000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
  await response?.body?.cancel();
  return response?.ok ?? false;
}
