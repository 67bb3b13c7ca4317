import type { FailureReason } from './failureReason.js';
import type { HostState } from './HostHealth.js';

/** A host passed over for one asset (the worker adds a message; the page loader keeps its code small). */
export type PassedOver = { host: string; reason: FailureReason; ms: number; message?: string };

/**
 * What a cascade tells its pages: which host served an asset and who was passed over, an asset no host
 * could serve, a breaker transition. The worker posts these; the page's fallback loader (build/fallbackLoader)
 * sends the same shapes with `source: 'page'` and the same failure reasons, plus `marked-down`.
 */
export type CascadeNotice =
  | { type: 'served'; source?: 'worker' | 'page'; path: string; host: string; ms: number; failoverMs: number; passedOver: PassedOver[] }
  | { type: 'failed'; source?: 'worker' | 'page'; path: string; passedOver: PassedOver[] }
  | { type: 'breaker'; host: string; from: HostState; to: HostState };

/** A notice, worker → every window client. */
export const cascadeEventMessage = 'holdfast:cascade-event';
/** Page → worker, with a MessagePort: answer with every host's breaker state (`BreakerSnapshot`). */
export const cascadeStateRequest = 'holdfast:cascade-state';
export type BreakerSnapshot = { host: string; state: HostState }[];
