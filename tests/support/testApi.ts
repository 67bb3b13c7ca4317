import type { ActionEnvelope } from 'holdfast/client';
import type { Conversation, Message } from '../../app/shared/index.js';

/** A thin HTTP client for tests: raw responses, so status codes and error bodies can be asserted. */
export class TestApi {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  static async signIn(baseUrl: string, email: string, password = 'holdfast'): Promise<TestApi> {
    const response = await fetch(`${baseUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`sign-in as ${email} failed: ${response.status} ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    return new TestApi(baseUrl, token);
  }

  raw(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token && !headers.has('authorization')) headers.set('authorization', `Bearer ${this.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(`${this.baseUrl}${path}`, { ...init, headers, body });
  }

  async json<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
    const response = await this.raw(path, init);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  conversations(query = ''): Promise<Conversation[]> {
    return this.json<{ conversations: Conversation[] }>(`/api/conversations${query}`).then((body) => body.conversations);
  }

  conversation(id: string): Promise<{ conversation: Conversation; messages: Message[] }> {
    return this.json(`/api/conversations/${id}`);
  }

  postActions(actions: ActionEnvelope[]) {
    return this.raw('/api/actions', { method: 'POST', json: { actions } });
  }
}
