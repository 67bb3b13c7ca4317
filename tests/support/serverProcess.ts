import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { distDir, repoRoot } from './paths.js';

export type ServerTarget = { dataDir: string } | { databaseUrl: string };

/** A real server process, as `npm start` runs it, on a free loopback port. */
export class ServerProcess {
  #child: ChildProcess | undefined;
  #output = '';
  #env: Record<string, string>;
  private constructor(readonly target: ServerTarget, readonly port: number, env: Record<string, string>, readonly entry: string) {
    this.#env = env;
  }

  get env(): Readonly<Record<string, string>> {
    return this.#env;
  }

  /** Stops it and starts it again with more configuration (same port, same data): e.g. a new build to serve (`STATIC_DIR`). */
  async restartWith(env: Record<string, string>): Promise<void> {
    await this.stop();
    this.#env = { ...this.#env, ...env };
    await this.restart();
  }

  /** `entry`: the app's server main, relative to the repository (default: the workspace's). */
  static async start(target: ServerTarget, env: Record<string, string> = {}, entry = 'server/workspace/main.ts'): Promise<ServerProcess> {
    const server = new ServerProcess(target, await freePort(), env, entry);
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get output(): string {
    return this.#output;
  }
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the process (again, on the same port and data) and waits until it answers. */
  async restart(): Promise<void> {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PORT: String(this.port),
      HOST: '127.0.0.1',
      STATIC_DIR: distDir,
      SEED: 'false',
      DATA_DIR: 'dataDir' in this.target ? this.target.dataDir : '',
      DATABASE_URL: 'databaseUrl' in this.target ? this.target.databaseUrl : '',
      ...this.#env,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', this.entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout.on('data', (chunk) => (this.#output += chunk));
    child.stderr.on('data', (chunk) => (this.#output += chunk));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`server exited with ${code} before answering:\n${this.#output}`))),
    );
    exited.catch(() => undefined);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const healthy = await fetch(`${this.url}/api/health`).then((response) => response.ok, () => false);
      if (healthy) return;
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    throw new Error(`server did not answer within 120 s:\n${this.#output}`);
  }

  /** Stops it the way an operator does (SIGTERM): the database is closed and its lock released. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** Kills it outright (SIGKILL): no clean-up at all, as in a crash. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
