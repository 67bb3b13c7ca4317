import pg from 'pg';
import { fullJitterDelay } from '../../shared/index.js';
import type { DatabaseListener } from './Database.js';

export type ListenOptions = {
  connectionString: string;
  channel: string;
  onNotify: (payload: string) => void;
  /**
   * The listener (re)connected and LISTENs again. Notifications sent while it was away are lost for good
   * (node-postgres#967): the caller catches up by reading what changed.
   */
  onListening: (reconnected: boolean) => void;
  onError?: (error: unknown) => void;
  /** Reconnect backoff: full jitter from `initialMs` doubling to `maxMs`; default 250 ms to 10 s. */
  retry?: { initialMs: number; maxMs: number };
};

/** `listening`: up and listening now; `pid`: its backend's pid (for operators, and tests that kill it). */
export type Listener = DatabaseListener;

/**
 * One LISTEN connection per process, outside the pool (a pooled client would be handed to a query and
 * lose its LISTEN), kept alive: when it drops (the server restarted, `pg_terminate_backend`, a network
 * cut), it reconnects with jittered backoff and tells the caller, who reads what it missed.
 */
export async function listenPostgres(options: ListenOptions): Promise<Listener> {
  const { initialMs, maxMs } = options.retry ?? { initialMs: 250, maxMs: 10_000 };
  let client: pg.Client | undefined;
  let closed = false;
  let listening = false;
  let pid: number | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (reconnected: boolean): Promise<void> => {
    // Named, so operators (and pg_stat_activity) can tell it from the pool's connections.
    const next = new pg.Client({ connectionString: options.connectionString, application_name: 'holdfast-listener' });
    client = next;
    next.on('notification', (message) => {
      if (message.channel === options.channel && message.payload !== undefined) options.onNotify(message.payload);
    });
    next.on('error', (error) => {
      options.onError?.(error);
      lost(next);
    });
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
      pid = (await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? null;
    } catch (error) {
      options.onError?.(error);
      lost(next);
      return;
    }
    if (closed || client !== next) return;
    listening = true;
    attempt = 0;
    options.onListening(reconnected);
  };

  const lost = (which: pg.Client) => {
    if (client !== which) return;
    client = undefined;
    listening = false;
    pid = null;
    which.removeAllListeners('end');
    which.end().catch(() => undefined);
    if (closed) return;
    timer = setTimeout(() => void connect(true), fullJitterDelay(attempt++, { initialDelayMs: initialMs, maxDelayMs: maxMs }));
    timer.unref?.();
  };

  await connect(false);
  return {
    get listening() {
      return listening;
    },
    get pid() {
      return pid;
    },
    close: async () => {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      listening = false;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => undefined);
      }
    },
  };
}
