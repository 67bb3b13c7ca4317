// holdfast/internal/server: the reference server's parts its tests and benchmarks reach one by one (the
// safeguards, the feed, the throttle, the log helpers). Node only. Not a stable API: names here may change
// with any release; an app composes the server through holdfast/server.
export { lockDirectory, DirectoryLockedError } from './db/directoryLock.js';
export { ReadReplica } from './db/ReadReplica.js';
export { FairShare } from './http/FairShare.js';
export { ClientReports } from './http/ClientReports.js';
export { onServerClock } from './http/deviceClock.js';
export { LogSampler } from './http/LogSampler.js';
export { errorWithoutData } from './http/logSerializers.js';
export { resolveServerOptions } from './http/serverOptions.js';
export { ChangeFeed } from './events/ChangeFeed.js';
export { SharedPageReads } from './events/SharedPageReads.js';
export { delayAfter, SignInThrottle, signInThrottleDefaults } from './auth/SignInThrottle.js';
export { StreamRegistry } from './events/StreamRegistry.js';
