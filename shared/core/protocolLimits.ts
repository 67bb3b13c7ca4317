// Apart from protocol.ts so clients can read the limits without loading the schemas (zod).
/** Defaults shared by client and server; the server may be configured lower, never higher. */
export const protocolLimits = {
  /** Most actions in one `POST /api/actions`. */
  maxActionsPerBatch: 500,
  /** Largest request body the server reads, in bytes. */
  maxBodyBytes: 1_048_576,
  /** Most items in one page of delta sync. */
  maxSyncPageSize: 5000,
} as const;
