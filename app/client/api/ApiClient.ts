import { apiRequestHeaders, checkSheddable, jsonApi, minPositionHeader, offlineEndpoints, type Fetcher, type JsonRequest } from 'holdfast/client';
import type { Agent, CannedReply, Conversation, Message } from '../../shared/index.js';

/** `remaining`: answered when asked (`count`): the changes after the requested cursor, this page's included. */
export type SyncPage = { conversations: Conversation[]; messages: Message[]; cursor: string; hasMore: boolean; remaining?: number };

export type SignedIn = { agent: Agent; tenant: { id: string; name: string } };

/** Another agent with the same conversation open (presence): `typing` while they type a reply. */
export type Viewer = { agentId: string; name: string; typing: boolean };

/** The reference server's HTTP API. No credential passes through this class: the browser sends the cookie. */
export class ApiClient {
  readonly #request: JsonRequest;
  readonly #fetch: Fetcher;
  /** `send`: how requests go out; the signed-in workspace gives its regions' fetch (apiOrigins). */
  constructor(
    readonly onUnauthorized: () => void = () => {},
    send: Fetcher = (input, init) => fetch(input, init),
  ) {
    this.#fetch = send;
    this.#request = jsonApi({ onUnauthorized, fetch: send });
  }

  /** The same client, its requests sent through `send`; a refused session told to `onUnauthorized` when given. */
  through(send: Fetcher, onUnauthorized: () => void = this.onUnauthorized): ApiClient {
    return new ApiClient(onUnauthorized, send);
  }

  /** Signs in; the server sets the session cookie, and the answer holds no token. */
  signIn(email: string, password: string) {
    return this.#request<SignedIn>('/api/login', { method: 'POST', body: JSON.stringify({ email, password, session: 'cookie' }) });
  }
  /** The demo's accounts, where the server holds them as seeded (none in production): the sign-in screen's hint. */
  demoAccounts(signal?: AbortSignal) {
    return this.#request<{ accounts: string[]; password: string | null }>('/api/demo-accounts', { signal });
  }
  /** Ends the server session and clears its cookie. */
  signOut() {
    return this.#request<void>('/api/logout', { method: 'POST' });
  }
  /** `minPosition`: what the pull must see behind a read replica (an event's position: holdfast/client readPosition). */
  sync(cursor: string, signal: AbortSignal, options: { count?: boolean; minPosition?: string } = {}) {
    const headers = options.minPosition ? { [minPositionHeader]: options.minPosition } : undefined;
    return this.#request<SyncPage>(`/api/sync?cursor=${encodeURIComponent(cursor)}&limit=5000${options.count ? '&count=1' : ''}`, { signal, headers });
  }
  agents(signal?: AbortSignal) {
    return this.#request<{ agents: Agent[] }>('/api/agents', { signal });
  }
  cannedReplies(signal?: AbortSignal) {
    return this.#request<{ cannedReplies: CannedReply[] }>('/api/canned-replies', { signal });
  }
  /** Any answer, even an error status, means the server is reachable: the framework's one probe (/readyz). */
  async probe(signal: AbortSignal): Promise<boolean> {
    await this.#fetch(offlineEndpoints.health, { signal, cache: 'no-store' });
    return true;
  }
  /** The inbox's newest open conversations: what a new device shows before its first sync is through. */
  openConversations(limit: number, signal?: AbortSignal) {
    return this.#request<{ conversations: Conversation[] }>(`/api/conversations?status=open&limit=${limit}`, { signal });
  }
  /** One conversation and all its messages: what an agent opens before the first sync has brought it. */
  conversation(id: string, signal?: AbortSignal) {
    return this.#request<{ conversation: Conversation; messages: Message[] }>(`/api/conversations/${encodeURIComponent(id)}`, { signal });
  }
  /**
   * The agent's presence heartbeat on an open conversation, answered with who else is there. Sheddable:
   * run it through SheddableCalls, which gives it a deadline (the signal) and a breaker; any answer but
   * 2xx rejects, with the server's Retry-After.
   */
  async presence(body: { conversationId: string; typing: boolean; leaving: boolean }, signal: AbortSignal): Promise<{ viewers: Viewer[] }> {
    const response = await this.#fetch('/api/presence', {
      method: 'POST',
      headers: { ...apiRequestHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
    return (await checkSheddable(response).json()) as { viewers: Viewer[] };
  }
}
