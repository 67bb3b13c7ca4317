import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of every Chromium renderer process on the machine, in kB, by pid. */
function renderersRss(): Map<number, number> {
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (kb) rss.set(Number(entry), Number(kb));
    } catch {
      // The process ended while it was read.
    }
  }
  return rss;
}

/** How much a context's allocation grows its process by, at least: 96 MB touched, well over any other renderer's drift. */
const markerMb = 96;

/**
 * The pid of the renderer process that runs a page or a worker, found by what it does: `allocate(mb)` makes
 * that context hold `mb` MB of touched memory, `release()` lets it go. Chromium tells no driver which process
 * runs a page (DevTools' targets carry no pid), and CPU time is a poor mark on a loaded machine; resident
 * memory that grows by 96 MB in one process at once is unmistakable.
 */
export async function rendererProcessOf(allocate: (mb: number) => Promise<unknown>, release: () => Promise<unknown>): Promise<number> {
  const before = renderersRss();
  await allocate(markerMb);
  const after = renderersRss();
  await release();
  const grown = [...after].map(([pid, kb]) => ({ pid, grownMb: (kb - (before.get(pid) ?? kb)) / 1024 })).filter((entry) => entry.grownMb >= markerMb * 0.75);
  if (grown.length !== 1)
    throw new Error(`Could not tell the renderer process: ${grown.length} grew by ${markerMb} MB (${grown.map((entry) => entry.pid).join(', ') || 'none'}).`);
  return grown[0]!.pid;
}

/** The in-page side of `rendererProcessOf`: for `page.evaluate` or a worker's `evaluate` (self-contained). */
export const allocateMarker = (mb: number) => {
  const bytes = new Uint8Array(mb * 1024 * 1024);
  // Touched, so that it is resident (a page of zeroes is not).
  for (let offset = 0; offset < bytes.length; offset += 4096) bytes[offset] = 1;
  (globalThis as unknown as { __chaosMarker?: Uint8Array }).__chaosMarker = bytes;
};
export const releaseMarker = () => {
  delete (globalThis as unknown as { __chaosMarker?: Uint8Array }).__chaosMarker;
};
