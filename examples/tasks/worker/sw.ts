import type { PrecacheEntry } from 'workbox-precaching';
import { replayOutboxOnSync, serveAppShell, wipeOnSignOut } from 'holdfast/sw';
import { wipeMessage } from '../shared/names.js';
import { compactTaskActions } from '../shared/taskCompaction.js';

/**
 * The task list's service worker, three framework parts: the shell (and its assets) precached so a cold
 * start works offline, the outbox replayed by Background Sync after every tab is closed, and a wipe on
 * sign-out (the list keeps no user data in Cache Storage: its data is in IndexedDB, deleted by the page).
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

serveAppShell({ manifest: self.__WB_MANIFEST, denylist: [/^\/api\//, /^\/(healthz|readyz)$/] });
replayOutboxOnSync({ compaction: compactTaskActions });
wipeOnSignOut({ message: wipeMessage, isUserDataCache: () => false });
