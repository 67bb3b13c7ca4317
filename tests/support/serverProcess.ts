import { answersOk, freePort, ManagedProcess } from '../../deploy/cluster/ManagedProcess.js';
import { distDir, repoRoot } from './paths.js';

export type ServerTarget = { dataDir: string } | { databaseUrl: string };

/** A real server process, as `npm start` runs it, on a free loopback port. */
export class ServerProcess {
  readonly #process: ManagedProcess;
  private constructor(
    readonly target: ServerTarget,
    readonly port: number,
    env: Record<string, string>,
    readonly entry: string,
  ) {
    this.#process = new ManagedProcess({
      command: process.execPath,
      args: ['--import', 'tsx', entry],
      cwd: repoRoot,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        STATIC_DIR: distDir,
        SEED: 'false',
        DATA_DIR: 'dataDir' in target ? target.dataDir : '',
        DATABASE_URL: 'databaseUrl' in target ? target.databaseUrl : '',
        ...env,
      },
      ready: () => answersOk(`${this.url}/api/health`),
    });
  }

  get env(): Readonly<Record<string, string>> {
    return this.#process.env;
  }

  /** Stops it and starts it again with more configuration (same port, same data): e.g. a new build to serve (`STATIC_DIR`). */
  async restartWith(env: Record<string, string>): Promise<void> {
    await this.stop();
    Object.assign(this.#process.env, env);
    await this.restart();
  }

  /** `entry`: the app's server main, relative to the repository (default: the workspace's). `port`: default a free one. */
  static async start(target: ServerTarget, env: Record<string, string> = {}, entry = 'app/server/main.ts', port?: number): Promise<ServerProcess> {
    const server = new ServerProcess(target, port ?? (await freePort()), env, entry);
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get output(): string {
    return this.#process.output;
  }
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Starts the process (again, on the same port and data) and waits until it answers. */
  restart(): Promise<void> {
    return this.#process.start();
  }

  /** Stops it the way an operator does (SIGTERM): the database is closed and its lock released. */
  stop(): Promise<void> {
    return this.#process.stop();
  }

  /** Kills it outright (SIGKILL): no clean-up at all, as in a crash. */
  kill(): Promise<void> {
    return this.#process.kill();
  }
}
