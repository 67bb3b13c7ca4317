import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The app's HTML shell with a strict Content-Security-Policy. Scripts run only from this origin, the CDN
 * hosts the build names (dist/security.json), or inline with this response's nonce: the page loader and
 * the import maps it adds carry it (they read it from their own script element). No 'unsafe-inline'. A
 * nonce rather than hashes because the loader's import maps depend on which host served what, at run
 * time. The service worker caches the shell with its header, so a cached shell's nonce and policy match.
 */
export type AppShell = { html: (nonce: string) => string; policy: (nonce: string) => string };

export function loadAppShell(staticDir: string): AppShell | null {
  const file = join(staticDir, 'index.html');
  if (!existsSync(file)) return null;
  const template = readFileSync(file, 'utf8');
  const { cdnHosts, apiOrigins } = readSecurityManifest(staticDir);
  const hosts = cdnHosts.join(' ');
  return {
    html: (nonce) => template.replace(/<script\b/g, `<script nonce="${nonce}"`),
    policy: (nonce) =>
      [
        `default-src 'self'`,
        `script-src 'self' ${hosts} 'nonce-${nonce}'`,
        `style-src 'self' ${hosts}`,
        `font-src 'self' ${hosts}`,
        `img-src 'self' data: blob: ${hosts}`,
        // The page loader probes each CDN host before it inserts an asset from it.
        // …and the API's other regions, which the client fails over to.
        `connect-src 'self' ${hosts} ${apiOrigins.join(' ')}`,
        `worker-src 'self'`,
        `manifest-src 'self'`,
        `object-src 'none'`,
        `base-uri 'none'`,
        `form-action 'self'`,
        `frame-ancestors 'none'`,
        `report-uri /api/csp-reports`,
      ]
        .map((directive) => directive.replace(/\s+/g, ' ').trim())
        .join('; '),
  };
}

export const newNonce = () => randomBytes(16).toString('base64');

/** The CDN hosts and API origins the app's build names (dist/security.json); none without one. */
export function readSecurityManifest(staticDir: string): { cdnHosts: string[]; apiOrigins: string[] } {
  const file = join(staticDir, 'security.json');
  if (!existsSync(file)) return { cdnHosts: [], apiOrigins: [] };
  let manifest: { cdnHosts?: unknown; apiOrigins?: unknown };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not the build's security manifest (JSON): ${(error as Error).message}. Build the app again.`);
  }
  const { cdnHosts, apiOrigins } = manifest;
  const origins = (list: unknown) =>
    Array.isArray(list) ? list.filter((host): host is string => typeof host === 'string' && /^https?:\/\/[^\s;']+$/.test(host)) : [];
  return { cdnHosts: origins(cdnHosts), apiOrigins: origins(apiOrigins) };
}

/** Headers every answer carries, HTML or not. */
export const baseSecurityHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** For API and media answers: nothing in them may run or be framed, even if opened as a page. */
export const apiContentSecurityPolicy = `default-src 'none'; frame-ancestors 'none'`;
