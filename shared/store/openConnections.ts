/**
 * Every IndexedDB connection this page opened through `openVersionedDatabase`, with the transactions still
 * open on each, so that a page about to be frozen can let go of all of them at once (`releaseConnections`).
 *
 * Why by hand: neither IndexedDB nor `idb` can list a connection's open transactions, and a page frozen in
 * WebKit's back/forward cache keeps the ones it had open — each holding its stores, so every later page of
 * the app queued behind it for good (tests/engines/backForwardCache.spec.ts).
 */
type Tracked = { connection: IDBDatabase; transactions: Set<IDBTransaction> };

const tracked = new Set<Tracked>();

/** Follows `connection`'s transactions from now on (every `idb` call reaches `IDBDatabase.transaction`). */
export function trackConnection(connection: IDBDatabase): void {
  const entry: Tracked = { connection, transactions: new Set() };
  const open = connection.transaction.bind(connection);
  connection.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
    const transaction = open(...args);
    entry.transactions.add(transaction);
    const done = () => entry.transactions.delete(transaction);
    transaction.addEventListener('complete', done);
    transaction.addEventListener('abort', done);
    return transaction;
  }) as IDBDatabase['transaction'];
  const close = connection.close.bind(connection);
  connection.close = () => {
    tracked.delete(entry);
    close();
  };
  tracked.add(entry);
}

/**
 * Aborts every transaction still open and closes every connection. Work aborted this way was never
 * committed — a write of it is as if never begun, and its caller is told (its promise rejects). Answers how
 * many transactions were aborted.
 */
export function releaseConnections(): number {
  let aborted = 0;
  for (const { connection, transactions } of [...tracked]) {
    for (const transaction of transactions) {
      try {
        transaction.abort();
        aborted++;
      } catch {
        // Already committing or finished: nothing of it is held.
      }
    }
    connection.close();
  }
  return aborted;
}
