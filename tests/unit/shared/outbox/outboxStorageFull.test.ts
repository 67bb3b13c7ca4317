import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isHoldfastError } from 'holdfast/client';
import { OutboxClient } from 'holdfast/internal';
import { createWorkspaceAction } from '../../../../app/shared/index.js';

// A full disk cannot be made in Node: IndexedDB's add is made to fail as a browser's does when the origin
// is out of quota (a DOMException named QuotaExceededError). The browser's own quota is the e2e's part.
const quotaExceeded = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

function client(scope: string, makeRoom?: () => Promise<void>) {
  return new OutboxClient({
    scope,
    // Never reached: nothing is replayed here (the client is not started).
    transport: { send: async () => ({ status: 'unreachable' }) } as never,
    platform: {},
    makeRoom,
  });
}

const action = (text: string) => createWorkspaceAction('send', 'conversation-1', { text });

describe('an action queued on a full device', () => {
  afterEach(() => vi.restoreAllMocks());

  it('room is made (cached media) and the write tried once more: then it is queued', async () => {
    let madeRoom = 0;
    const outbox = client('full-then-room', async () => {
      madeRoom++;
    });
    await outbox.enqueue(action('kept before'));
    const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementationOnce(() => {
      throw quotaExceeded();
    });
    await outbox.enqueue(action('after room was made'));
    expect(madeRoom).toBe(1);
    expect(add).toHaveBeenCalledTimes(2);
    expect((await outbox.health()).pending).toBe(2);
  });

  it('still full: refused with storage-full, never swallowed, and what was queued before is kept', async () => {
    const outbox = client('full-for-good', async () => {});
    await outbox.enqueue(action('kept before'));
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw quotaExceeded();
    });
    const refused = await outbox.enqueue(action('no room')).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isHoldfastError(refused, 'storage-full')).toBe(true);
    vi.restoreAllMocks();
    expect((await outbox.health()).pending).toBe(1);
  });

  it('another failure is passed on as it is, not called a full disk', async () => {
    const outbox = client('other-failure', async () => {});
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('broken', 'UnknownError');
    });
    await expect(outbox.enqueue(action('x'))).rejects.toMatchObject({ name: 'UnknownError' });
  });
});
