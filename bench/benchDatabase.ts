import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInAsBrowser, type BrowserSession } from '../tests/support/browserSession.js';
import { cacheDir, schemaAndSeedKey } from '../tests/support/paths.js';
import { runTs } from '../tests/support/runNode.js';
import { TestApi } from '../tests/support/testApi.js';

/**
 * A private copy of a seeded PGlite directory for a benchmark: the seed (minutes for 100,000 messages) is
 * made once per size and schema/seed version and kept in .cache/.
 */
export async function prepareBenchDatabase(conversations: number, messagesPerConversation: number): Promise<string> {
  const template = join(cacheDir, `bench-pglite-${conversations}x${messagesPerConversation}-${schemaAndSeedKey()}`);
  if (!existsSync(join(template, 'READY'))) {
    await runTs('app/server/seedCli.ts', {
      DATA_DIR: template,
      DATABASE_URL: '',
      SEED_CONVERSATIONS: String(conversations),
      SEED_MESSAGES_PER_CONVERSATION: String(messagesPerConversation),
    });
    writeFileSync(join(template, 'READY'), 'ok');
  }
  const copy = mkdtempSync(join(tmpdir(), 'holdfast-bench-'));
  cpSync(template, copy, { recursive: true, filter: (source) => !source.endsWith('holdfast.lock') });
  return copy;
}

/** Signs in through the API: the session object the app keeps in localStorage. */
/** A cookie session as the app holds it, plus a bearer token for the benchmark's own API calls. */
export async function signInForBench(baseUrl: string, email = 'alice@example.com'): Promise<BrowserSession & { token: string }> {
  const [session, api] = await Promise.all([signInAsBrowser(baseUrl, email), TestApi.signIn(baseUrl, email)]);
  return { ...session, token: api.token! };
}
