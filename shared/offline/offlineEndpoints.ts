/**
 * The reference server's endpoints a client calls: an app's server built on holdfast/server serves all
 * three. `/readyz` is the one probe: any answer means reachable (ReachabilityMonitor), a 200 means the
 * server and its database work (the outbox's replay). Its own module: the sign-in page needs only this.
 */
export const offlineEndpoints = { actions: '/api/actions', events: '/api/events', health: '/readyz' } as const;
