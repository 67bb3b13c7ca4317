import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An exclusive lock on a PGlite data directory. Two processes on one PGlite directory silently lose
 * committed rows (measured), so the second must refuse to start.
 *
 * Hand-written rather than `proper-lockfile`: that library detects a dead holder by a stale mtime, so a
 * server restarted after SIGKILL would wait out the staleness window. Here the lock file holds the
 * holder's pid, and a lock whose pid no longer runs is taken over at once — exact on one host, which is
 * the only place a PGlite directory can be shared.
 */
export class DirectoryLockedError extends Error {
  readonly code = 'data-directory-locked';
  constructor(
    readonly directory: string,
    readonly holderPid: number,
  ) {
    super(
      `The data directory ${directory} is in use by process ${holderPid}. ` +
        'Two servers on one PGlite directory lose data: stop the other one, or point DATA_DIR elsewhere.',
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ReleaseLock = () => void;

/** Directories this process holds: a lock file naming our own pid is ours only if it is in here (else the pid was reused). */
const heldHere = new Set<string>();

export function lockDirectory(directory: string): ReleaseLock {
  mkdirSync(directory, { recursive: true });
  const lockPath = join(directory, 'holdfast.lock');
  if (heldHere.has(lockPath)) throw new DirectoryLockedError(directory, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(lockPath);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holderPid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holderPid) && holderPid > 0 && holderPid !== process.pid && isRunning(holderPid)) {
        throw new DirectoryLockedError(directory, holderPid);
      }
      // The holder died without releasing (SIGKILL, crash), or its pid now belongs to us after a restart:
      // the lock is stale, take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${directory}: the lock file keeps reappearing.`);
}
