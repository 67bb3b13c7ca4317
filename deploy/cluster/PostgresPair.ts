import { appendFileSync, copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresBinDir, postgresOwnedDir, runAsPostgres, runAsPostgresAsync } from './postgresTools.js';

const deployDir = join(fileURLToPath(new URL('.', import.meta.url)), '..');

export type PostgresPairOptions = {
  /** Where both data directories live (created, and given to the postgres user). Kept between runs. */
  dir: string;
  primaryPort: number;
  /** The streaming standby's port; `false`: a primary alone. */
  standbyPort: number | false;
  /** `false` turns fsync off: for tests and benchmarks on a throwaway directory, never for data you keep. */
  durable?: boolean;
  /** The standby applies each commit this long after the primary (recovery_min_apply_delay): lag on purpose, for tests. */
  standbyApplyDelayMs?: number;
};

/**
 * A PostgreSQL primary and a streaming-replication standby on this machine, from Debian's PostgreSQL:
 * `initdb` for the primary, `pg_basebackup -R` for the standby (which writes its standby.signal and
 * primary_conninfo), each with its settings file from deploy/ copied in and included. As root, both run
 * as the postgres user. Data directories are kept: a second start reuses them.
 */
export class PostgresPair {
  private constructor(
    readonly options: PostgresPairOptions,
    readonly bin: string,
  ) {}

  static async start(options: PostgresPairOptions): Promise<PostgresPair> {
    const bin = postgresBinDir();
    if (!bin)
      throw new Error('PostgreSQL is not installed. Install it with `apt-get install -y postgresql` (Debian), or give the nodes a DATABASE_URL of your own.');
    const pair = new PostgresPair(options, bin);
    postgresOwnedDir(options.dir);
    pair.#initPrimary();
    pair.#pgCtl(pair.primaryDir, options.primaryPort, 'start');
    if (options.standbyPort !== false) {
      pair.#initStandby();
      pair.#pgCtl(pair.standbyDir, options.standbyPort, 'start');
    }
    return pair;
  }

  get primaryDir(): string {
    return join(this.options.dir, 'primary');
  }
  get standbyDir(): string {
    return join(this.options.dir, 'standby');
  }

  /** A connection URL to `database` on the primary. */
  primaryUrl(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.options.primaryPort}/${database}`;
  }
  /** A connection URL to `database` on the standby (read-only). */
  standbyUrl(database = 'postgres'): string {
    if (this.options.standbyPort === false) throw new Error('This pair has no standby.');
    return `postgres://postgres@127.0.0.1:${this.options.standbyPort}/${database}`;
  }

  /** Creates `database` on the primary unless it exists (the standby gets it through replication). */
  async createDatabase(database: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.primaryUrl() });
    await client.connect();
    try {
      const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
      if (!exists) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  }

  /** Stops the standby, then the primary (fast shutdown: sessions are ended, nothing committed is lost). */
  stop(): void {
    if (this.options.standbyPort !== false) this.#pgCtl(this.standbyDir, this.options.standbyPort, 'stop');
    this.#pgCtl(this.primaryDir, this.options.primaryPort, 'stop');
  }

  // The faults below run without blocking this process (runAsPostgresAsync): the chaos runner serves its
  // proxy meanwhile.

  /**
   * The primary alone stopped, as its host going away does to the nodes (fast shutdown: every session
   * ended), and started again on the same data; the standby reconnects by itself.
   */
  async stopPrimary(): Promise<void> {
    await runAsPostgresAsync(this.#pgCtlCommand(this.primaryDir, this.options.primaryPort, 'stop'));
  }
  async startPrimary(): Promise<void> {
    await runAsPostgresAsync(this.#pgCtlCommand(this.primaryDir, this.options.primaryPort, 'start'));
  }

  /**
   * The standby promoted (`pg_ctl promote`) while the primary still runs: what failover tooling does when
   * it takes a partition for the primary's death. It ends recovery and takes writes of its own; it no
   * longer follows the primary, and what it serves drifts from it.
   */
  async promoteStandby(): Promise<void> {
    if (this.options.standbyPort === false) throw new Error('This pair has no standby.');
    await runAsPostgresAsync(`${this.bin}/pg_ctl -D ${this.standbyDir} -w -t 60 promote >/dev/null`);
  }

  /** A fresh standby of the primary in place of the old one: stopped, its data removed, copied again, started. */
  async rebuildStandby(): Promise<void> {
    if (this.options.standbyPort === false) throw new Error('This pair has no standby.');
    await runAsPostgresAsync(this.#pgCtlCommand(this.standbyDir, this.options.standbyPort, 'stop'));
    rmSync(this.standbyDir, { recursive: true, force: true });
    await runAsPostgresAsync(this.#baseBackupCommand());
    this.#include(this.standbyDir, 'postgresql-standby.conf');
    await runAsPostgresAsync(this.#pgCtlCommand(this.standbyDir, this.options.standbyPort, 'start'));
  }

  #initPrimary(): void {
    if (existsSync(join(this.primaryDir, 'PG_VERSION'))) return;
    runAsPostgres(`${this.bin}/initdb -D ${this.primaryDir} -U postgres -A trust --no-sync >/dev/null`);
    this.#include(this.primaryDir, 'postgresql-primary.conf');
  }

  #initStandby(): void {
    if (existsSync(join(this.standbyDir, 'PG_VERSION'))) return;
    runAsPostgres(this.#baseBackupCommand());
    this.#include(this.standbyDir, 'postgresql-standby.conf');
  }

  // A fast checkpoint: the default (spread) makes the copy wait out up to 90 % of checkpoint_timeout.
  #baseBackupCommand(): string {
    return `${this.bin}/pg_basebackup -h 127.0.0.1 -p ${this.options.primaryPort} -U postgres -D ${this.standbyDir} -R -X stream --no-sync --checkpoint=fast`;
  }

  /** Copies deploy/`file` into the data directory and includes it: the postgres user may not be able to read the checkout. */
  #include(dataDir: string, file: string): void {
    const conf = join(dataDir, 'postgresql.conf');
    if (readFileSync(conf, 'utf8').includes(`include '${file}'`)) return;
    copyFileSync(join(deployDir, file), join(dataDir, file));
    appendFileSync(conf, `\ninclude '${file}'\n`);
  }

  #pgCtl(dataDir: string, port: number, action: 'start' | 'stop'): void {
    if (action === 'stop' && !existsSync(join(dataDir, 'postmaster.pid'))) return;
    runAsPostgres(this.#pgCtlCommand(dataDir, port, action));
  }

  #pgCtlCommand(dataDir: string, port: number, action: 'start' | 'stop'): string {
    if (action === 'stop') return existsSync(join(dataDir, 'postmaster.pid')) ? `${this.bin}/pg_ctl -D ${dataDir} -m fast -w -t 60 stop >/dev/null` : 'true';
    const settings = [`-p ${port}`, `-k ${this.options.dir}`, '-c listen_addresses=127.0.0.1'];
    // Not durable: nothing is flushed to disk. synchronous_commit stays on: with it off, a commit's NOTIFY
    // waits for the WAL writer's next round (wal_writer_delay, 200 ms), and every event across nodes took
    // 200 ms longer (bench:live). With fsync off, the flush a synchronous commit waits for costs nothing.
    if (this.options.durable === false) settings.push('-c fsync=off', '-c full_page_writes=off');
    if (dataDir === this.standbyDir && this.options.standbyApplyDelayMs) settings.push(`-c recovery_min_apply_delay=${this.options.standbyApplyDelayMs}ms`);
    return `${this.bin}/pg_ctl -D ${dataDir} -l ${dataDir}.log -w -t 120 -o "${settings.join(' ')}" start >/dev/null`;
  }
}
