/**
 * 502 Bad Gateway and 504 Gateway Timeout are a load balancer's or proxy's answers, not the API's: the API
 * behind it could not be reached. Reachability, the outbox and its poison-action search treat them as no
 * answer at all (the API is down, nothing is wrong with what was sent). 503 stays the API's own "later".
 */
export const isGatewayError = (status: number): boolean => status === 502 || status === 504;
