import type { ActionEngine } from '../actions/ActionEngine.js';
import type { ServerApp } from '../app/ServerApp.js';
import type { SessionIdle, SessionLimits } from '../auth/sessions.js';
import type { SignInThrottle } from '../auth/SignInThrottle.js';
import type { Database } from '../db/Database.js';
import type { ReadReplica } from '../db/ReadReplica.js';
import type { ChangeFeed } from '../events/ChangeFeed.js';
import type { StreamRegistry } from '../events/StreamRegistry.js';
import type { ServerMetrics } from './ServerMetrics.js';
import type { LoadShedder } from './LoadShedder.js';
import type { FairShare } from './FairShare.js';
import type { CrossOriginPolicy } from './sessionCookie.js';
import type { TelemetryLimits } from './routes/telemetryRoutes.js';

/** What the routes share: built once at start-up by buildServer. */
export type ServerContext = {
  db: Database;
  /** Where delta-sync reads go: a standby when it has replayed the reader's last write, else the primary. */
  reads: ReadReplica;
  app: ServerApp;
  engine: ActionEngine<unknown>;
  feed: ChangeFeed;
  streams: StreamRegistry;
  metrics: ServerMetrics;
  shedder: LoadShedder;
  /** Heavy requests' turns between sessions and tenants. */
  fairShare: FairShare;
  /** Sessions: their lifetime, how long one may go unused, how many one agent may hold. */
  sessions: SessionLimits & SessionIdle;
  /** The app's other origins allowed to call this API, and the session cookie's domain (regions). */
  crossOrigin: CrossOriginPolicy;
  maxActionsPerBatch: number;
  sseHeartbeatMs: number;
  events: { maxCatchUp: number; retryAfterSeconds: number; maxCarryChars: number };
  login: { maxPerAddressPerMinute: number; throttle: SignInThrottle };
  telemetry: TelemetryLimits;
};
