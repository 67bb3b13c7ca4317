import type { ActionBatchResponse, ActionEnvelope, ApiErrorBody } from '../../shared/index.js';
import type { Agent, CannedReply, Conversation, ConversationState, Message } from '../../shared/workspace/index.js';

export type SyncPage = { conversations: Conversation[]; messages: Message[]; cursor: string; hasMore: boolean };

export type SignedIn = { token: string; agent: Agent; tenant: { id: string; name: string } };

/** A failed API call, with the server's error code and message (status 0: no answer at all). */
export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The reference server's HTTP API; the token is added to each request, nowhere stored by this class. */
export class ApiClient {
  constructor(readonly getToken: () => string | null, readonly onUnauthorized: () => void = () => {}) {}

  async #request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const token = this.getToken();
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (init.body) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new ApiRequestError(0, timedOut ? 'timeout' : 'unreachable', timedOut ? 'The server did not answer in time.' : 'The server cannot be reached.');
    }
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => null)) as T | ApiErrorBody | null;
    if (response.ok && body === null) throw new ApiRequestError(0, 'unreachable', 'The answer was cut off.');
    if (!response.ok) {
      const error = (body as ApiErrorBody | null)?.error;
      if (response.status === 401 && token) this.onUnauthorized();
      throw new ApiRequestError(response.status, error?.code ?? 'http-error', error?.message ?? `The server answered ${response.status}.`);
    }
    return body as T;
  }

  signIn(email: string, password: string) {
    return this.#request<SignedIn>('/api/login', { method: 'POST', body: JSON.stringify({ email, password }) });
  }
  /** Ends the server session of `token` (taken before the local session is cleared). */
  signOut(token = this.getToken()) {
    return this.#request<void>('/api/logout', { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
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
