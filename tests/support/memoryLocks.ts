/**
 * Web Locks' exclusive mode as the browser keeps it for several tabs, in memory (Node has no `navigator.locks`):
 * one holder per name, the others queued in order; an aborted waiter leaves the queue with an AbortError;
 * `steal` takes the lock at once, and the holder's request rejects with an AbortError while its callback
 * runs on (it is not told otherwise, as in the browser). `tab(id)` is one context's `navigator.locks`.
 */
export function memoryLocks() {
  type Waiter = { tab: string; grant: () => void };
  const holders = new Map<string, { tab: string; broken: (error: DOMException) => void }>();
  const queues = new Map<string, Waiter[]>();
  const queue = (name: string) => queues.get(name) ?? queues.set(name, []).get(name)!;
  const grantNext = (name: string) => {
    if (!holders.has(name)) queue(name).shift()?.grant();
  };
  const tab = (id: string) =>
    ({
      request(name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) {
        return new Promise((resolve, reject) => {
          let settled = false;
          const settle = (outcome: () => void) => {
            if (settled) return;
            settled = true;
            outcome();
          };
          const entry = {
            tab: id,
            broken: (error: DOMException) => settle(() => reject(error)),
          };
          const grant = () => {
            holders.set(name, entry);
            Promise.resolve()
              .then(() => callback({ name, mode: 'exclusive' } as Lock))
              .then(
                (value) => settle(() => resolve(value)),
                (error) => settle(() => reject(error)),
              )
              .finally(() => {
                if (holders.get(name) !== entry) return;
                holders.delete(name);
                grantNext(name);
              });
          };
          if (options.steal) {
            if (options.signal) throw new DOMException('steal and signal together', 'NotSupportedError');
            const before = holders.get(name);
            holders.delete(name);
            before?.broken(new DOMException("Lock broken by another request with the 'steal' option.", 'AbortError'));
            grant();
            return;
          }
          const waiter = { tab: id, grant };
          options.signal?.addEventListener('abort', () => {
            const waiting = queue(name);
            const at = waiting.indexOf(waiter);
            if (at < 0) return;
            waiting.splice(at, 1);
            settle(() => reject(options.signal!.reason ?? new DOMException('The request was aborted.', 'AbortError')));
          });
          queue(name).push(waiter);
          grantNext(name);
        });
      },
      query: async () => ({}),
    }) as unknown as LockManager;
  return {
    tab,
    /** Which tab holds `name` now. */
    holder: (name: string) => holders.get(name)?.tab,
    /** The tabs waiting for `name`, in order. */
    waiting: (name: string) => queue(name).map((waiter) => waiter.tab),
    /** Names held now. */
    heldCount: () => holders.size,
  };
}

/**
 * A BroadcastChannel whose posts are dropped while `silent()` answers true: a tab whose scripts stopped
 * (hung, SIGSTOPped, frozen with no `freeze` event) says nothing — neither beats nor relays — while it keeps
 * its lock. For a tab's `openChannel`.
 */
export function silenceableChannel(name: string, silent: () => boolean): BroadcastChannel {
  const channel = new BroadcastChannel(name);
  const post = channel.postMessage.bind(channel);
  channel.postMessage = (message: unknown) => {
    if (!silent()) post(message);
  };
  return channel;
}
