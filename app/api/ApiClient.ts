import type { ActionBatchResponse, ActionEnvelope, ApiErrorBody } from '../../shared/index.js';
import type { Agent, CannedReply, Conversation, ConversationState, Message } from '../../shared/workspace/index.js';

export type SignedIn = { token: string; agent: Agent; tenant: { id: string; name: string } };

/** A failed API call, with the server's error code and message. */
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
    const response = await fetch(path, { ...init, headers });
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => null)) as T | ApiErrorBody | null;
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
  signOut() {
    return this.#request<void>('/api/logout', { method: 'POST' });
  }
  conversations() {
    return this.#request<{ conversations: Conversation[] }>('/api/conversations');
  }
  conversation(id: string) {
    return this.#request<{ conversation: Conversation; messages: Message[] }>(`/api/conversations/${encodeURIComponent(id)}`);
  }
  agents() {
    return this.#request<{ agents: Agent[] }>('/api/agents');
  }
  cannedReplies() {
    return this.#request<{ cannedReplies: CannedReply[] }>('/api/canned-replies');
  }
  postActions(actions: ActionEnvelope[]) {
    return this.#request<ActionBatchResponse<ConversationState>>('/api/actions', { method: 'POST', body: JSON.stringify({ actions }) });
  }
}
