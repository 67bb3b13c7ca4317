// The cascade's pure pieces — deadlines, checks, the host loop, the defaults — with no storage, no
// breaker library and no browser API beyond fetch: what the page loader inlined into index.html bundles
// (build/fallbackLoader), so its size stays small. The worker gets the same code through shared/internal (holdfast/internal).
export { cascadeDefaults } from './cascade/cascadeDefaults.js';
export { checkAsset } from './cascade/checkAsset.js';
export { fetchWithDeadlines, type Deadlines } from './cascade/fetchWithDeadlines.js';
export { tryHosts, type HostTry } from './cascade/tryHosts.js';
export type { AnswerReason } from './cascade/failureReason.js';
