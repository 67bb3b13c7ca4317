import type { PrecacheEntry } from 'workbox-precaching';
import { replayOutboxOnSync, serveAppShell, wipeOnSignOut } from 'holdfast/sw';
import { compactNotes, wipeMessage } from '../shared/notes.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

/** The app's files precached (a cold start works offline), the outbox replayed after every tab is closed, a wipe at sign-out. */
serveAppShell({ manifest: self.__WB_MANIFEST, denylist: [/^\/api\//, /^\/(healthz|readyz)$/] });
replayOutboxOnSync({ compaction: compactNotes });
wipeOnSignOut({ message: wipeMessage, isUserDataCache: () => false });
