import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/**
 * One HTTP(S) request from a chosen local address (`from`, e.g. 127.0.0.2): several clients with
 * addresses of their own on one machine, as a load balancer's per-address rules see them. Certificates
 * are not checked (the tests' proxy has a self-signed one).
 */
export function requestFrom(
  url: string,
  options: { from?: string; method?: string; headers?: Record<string, string>; json?: unknown; body?: string } = {},
): Promise<RawAnswer> {
  const target = new URL(url);
  const body = options.json === undefined ? options.body : JSON.stringify(options.json);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: options.method ?? (body ? 'POST' : 'GET'),
        localAddress: options.from,
        rejectUnauthorized: false,
        headers: { ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The Set-Cookie header of `name`, whole (attributes included); undefined when the answer sets none. */
export function setCookieOf(answer: RawAnswer, name: string): string | undefined {
  const headers = answer.headers['set-cookie'] ?? [];
  return (Array.isArray(headers) ? headers : [headers]).find((header) => header.startsWith(`${name}=`));
}
