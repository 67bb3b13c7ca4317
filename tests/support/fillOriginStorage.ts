/**
 * Fills the origin's storage with another IndexedDB database (`name`), in writes of each of `sizes` in
 * turn until the browser refuses one, as other sites' data or a large download would; answers the bytes
 * taken and the name of each refusal (QuotaExceededError on a full device). Runs in the page:
 * self-contained, handed to a page by Playwright (`page.evaluate`) or by WebDriver (an engine's tab).
 */
export async function fillOriginStorage({ name, sizes }: { name: string; sizes: number[] }): Promise<{ total: number; refusals: string[] }> {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('blobs', { autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const refusals: string[] = [];
  // One connection a write: Firefox refuses every later write on a connection once one went over.
  const put = async (size: number) => {
    const db = await open();
    // Random bytes: a browser may compress what it stores.
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
    const stored = await new Promise<boolean>((resolve) => {
      const tx = db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').add(bytes);
      tx.oncomplete = () => resolve(true);
      tx.onabort = () => {
        refusals.push(tx.error?.name ?? 'abort');
        resolve(false);
      };
    });
    db.close();
    return stored;
  };
  let total = 0;
  for (const size of sizes) while (await put(size)) total += size;
  return { total, refusals };
}
