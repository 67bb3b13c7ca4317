import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryLockedError, lockDirectory } from 'holdfast/internal/server';
import { tempDir } from '../../../support/tempDir.js';

describe('the PGlite directory lock', () => {
  const fresh = () => tempDir('holdfast-lock-');

  it('refuses a second holder, in this process too, until released', () => {
    const dir = fresh();
    const release = lockDirectory(dir);
    expect(readFileSync(join(dir, 'holdfast.lock'), 'utf8')).toBe(String(process.pid));
    expect(() => lockDirectory(dir)).toThrow(DirectoryLockedError);
    release();
    lockDirectory(dir)();
  });

  it('refuses a directory held by another live process, naming it', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'holdfast.lock'), String(process.ppid));
    expect(() => lockDirectory(dir)).toThrow(new RegExp(`in use by process ${process.ppid}`));
  });

  it('takes over a lock left by a process that died', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'holdfast.lock'), '4194301');
    const release = lockDirectory(dir);
    expect(readFileSync(join(dir, 'holdfast.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('takes over a lock naming our own pid that this process never took (pid reused after a restart)', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'holdfast.lock'), String(process.pid));
    lockDirectory(dir)();
  });
});
