import type { ActionBatchResponse, ActionEnvelope, ApiErrorBody } from 'holdfast/core';
import type { Agent, CannedReply, Conversation, ConversationState, Message } from '../../shared/workspace/index.js';

export type SyncPage = { conversations: Conversation[]; messages: Message[]; cursor: string; hasMore: boolean };

export type SignedIn = { agent: Agent; tenant: { id: string; name: string } };

/** A failed API call, with the server's error code and message (status 0: no answer at all). */
export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfter?: string | null) {
    super(message);
  }
}

/**
 * What every request of the page (and of the worker's Background Sync) adds: the session itself is an
 * HttpOnly cookie the browser sends, and this header is the server's CSRF check for cookie sessions.
 */
export const apiRequestHeaders: Record<string, string> = { 'x-holdfast-request': '1' };

/** The reference server's HTTP API. No credential passes through this class: the browser sends the cookie. */
export class ApiClient {
  constructor(readonly onUnauthorized: () => void = () => {}) {}

  async #request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(apiRequestHeaders)) headers.set(name, value);
    if (init.body) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new ApiRequestError(0, timedOut ? 'timeout' : 'unreachable', timedOut ? 'The server did not answer in time.' : 'The server cannot be reached.');
    }
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => null)) as T | ApiErrorBody | null;
    if (response.ok && body === null) throw new ApiRequestError(0, 'unreachable', 'The answer was cut off.');
    if (!response.ok) {
      const error = (body as ApiErrorBody | null)?.error;
      if (response.status === 401 && path !== '/api/login' && path !== '/api/logout') this.onUnauthorized();
      throw new ApiRequestError(response.status, error?.code ?? 'http-error', error?.message ?? `The server answered ${response.status}.`, response.headers.get('retry-after'));
    }
    return body as T;
  }

  /** Signs in; the server sets the session cookie, and the answer holds no token. */
  signIn(email: string, password: string) {
    return this.#request<SignedIn>('/api/login', { method: 'POST', body: JSON.stringify({ email, password, session: 'cookie' }) });
  }
  /** Ends the server session and clears its cookie. */
  signOut() {
    return this.#request<void>('/api/logout', { method: 'POST' });
  }
  sync(cursor: string, signal: AbortSignal) {
    return this.#request<SyncPage>(`/api/sync?cursor=${encodeURIComponent(cursor)}&limit=1000`, { signal });
  }
  agents(signal?: AbortSignal) {
    return this.#request<{ agents: Agent[] }>('/api/agents', { signal });
  }
  cannedReplies(signal?: AbortSignal) {
    return this.#request<{ cannedReplies: CannedReply[] }>('/api/canned-replies', { signal });
  }
  /** Any answer, even an error status, means the server is reachable. */
  async probe(signal: AbortSignal): Promise<boolean> {
    await fetch('/api/health', { signal, cache: 'no-store' });
    return true;
  }
  postActions(actions: ActionEnvelope[]) {
    return this.#request<ActionBatchResponse<ConversationState>>('/api/actions', { method: 'POST', body: JSON.stringify({ actions }) });
  }
}
