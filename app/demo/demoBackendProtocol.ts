import type { DemoRequest, DemoResponse } from './DemoBackend.js';

/** Messages between the page and the demo backend's worker. */
export type DemoCall =
  | { id: number; kind: 'open'; dataDir: string; colleaguesEveryMs?: number }
  | { id: number; kind: 'request'; request: DemoRequest }
  | { id: number; kind: 'query'; sql: string; params: unknown[] };

export type DemoAnswer =
  | { id: number; ok: true; value: DemoResponse | { rows: Record<string, unknown>[] } | null }
  | { id: number; ok: false; error: string }
  | { kind: 'change'; tenantId: string };
