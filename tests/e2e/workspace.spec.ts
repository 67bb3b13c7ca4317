import { createHash } from 'node:crypto';
import { contentTypeMatches } from 'holdfast/internal';
import type { Conversation } from '../../app/shared/index.js';
import { expect, expectAllSent, expectMessages, expectNoSeriousAxeViolations, inboxRow, scrollMessagesUntil, sessionCookie, signIn, test } from './fixtures.js';
import type { TestApi } from '../support/testApi.js';

/** Each test works on its own open conversation (by a stable order), so tests do not disturb each other. */
async function openConversation(api: TestApi, slot: number): Promise<Conversation> {
  const open = (await api.conversations('?status=open')).sort((a, b) => a.id.localeCompare(b.id));
  return open[slot]!;
}

test('an agent signs in and sees the inbox; sign-in and inbox have no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  await expectNoSeriousAxeViolations(page);
  await page.getByRole('textbox', { name: 'Email' }).fill('alice@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('email or password is wrong');

  await signIn(page);
  const inbox = page.getByRole('navigation', { name: 'Inbox' });
  await expect(inbox.getByRole('link').first()).toBeVisible();
  await expectNoSeriousAxeViolations(page);
});

test('a conversation has its own URL; its inbox row links there by customer name; a reload keeps it open', async ({ page, api }) => {
  const alice = await api();
  await signIn(page);
  const firstRow = page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first();
  // Its accessible name is its visible text (label in name).
  const rowName = (await firstRow.textContent())!;
  await firstRow.click();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  const { conversation, messages } = await alice.conversation(id);
  expect(rowName).toContain(conversation.customerName);
  await expect(page.getByRole('heading', { level: 1, name: conversation.customerName })).toBeVisible();
  await expectMessages(page, messages.length);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: conversation.customerName })).toBeVisible();
  await expectNoSeriousAxeViolations(page);
});

test('messages show their image attachments', async ({ page, api }) => {
  const alice = await api();
  let withImage: string | undefined;
  for (const conversation of await alice.conversations()) {
    const { messages } = await alice.conversation(conversation.id);
    if (messages.some((message) => message.attachments.length > 0)) {
      withImage = conversation.id;
      break;
    }
  }
  await signIn(page);
  await page.goto(`/conversations/${withImage}`);
  // The list is virtualized: scroll to the message with the image.
  // Polled: the thread may still be arriving when the page first shows it.
  await expect.poll(() => scrollMessagesUntil(page, 'img.attachment')).toBe(true);
  const image = page.getByRole('img', { name: /^Attachment screenshot-\d+\.png$/ }).first();
  await image.scrollIntoViewIfNeeded();
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth)).toBe(320);
});

test('sending a reply shows it and stores it on the server once', async ({ page, api }) => {
  const alice = await api();
  const target = await openConversation(alice, 0);
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  const text = `Reply sent at ${Date.now()}`;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  const message = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: text });
  await expect(message).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  // Shown at once, marked pending until the server confirms it (after the undo window).
  await expect(message.getByRole('img', { name: 'Pending' })).toBeVisible();
  await expectAllSent(page);
  await expect(message.getByRole('img', { name: 'Pending' })).toHaveCount(0);
  await expect(message).toHaveCount(1);
  const { messages } = await alice.conversation(target.id);
  expect(messages.filter((message) => message.body === text)).toHaveLength(1);
});

test("the undo window is the agent's choice: 4 s by default with a countdown, 10 s, or off (sent at once); it stays chosen after a reload", async ({
  page,
  api,
}) => {
  test.setTimeout(120_000);
  const alice = await api();
  const target = await openConversation(alice, 7);
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  // When each reply's POST left the page, by its text.
  const posted = new Map<string, number>();
  page.on('request', (request) => {
    if (!request.url().endsWith('/api/actions') || request.method() !== 'POST') return;
    for (const action of (request.postDataJSON() as { actions: { payload: { text?: string } }[] }).actions)
      if (action.payload.text) posted.set(action.payload.text, Date.now());
  });
  const setting = page.getByRole('combobox', { name: 'Undo window' });
  const held = page.getByRole('status', { name: 'Reply held' });
  const send = async (text: string) => {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Send' }).click();
    return clicked;
  };

  // The default: 4 s, counted down on screen.
  await expect(setting).toHaveValue('4000');
  await send('held for four seconds');
  await expect(held).toContainText(/Sending in [1-4] s/);
  await expect(held.getByRole('button', { name: 'Undo' })).toBeVisible();
  await expectAllSent(page);
  await expect(held).toHaveCount(0);

  // 10 s: the reply cannot leave before its window ends, however fast the machine.
  await setting.selectOption({ label: 'Undo for 10 s' });
  const tenClicked = await send('held for ten seconds');
  await expect(held).toContainText(/Sending in (10|9|8) s/);
  await expect.poll(() => posted.has('held for ten seconds'), { timeout: 30_000 }).toBe(true);
  expect(posted.get('held for ten seconds')! - tenClicked).toBeGreaterThanOrEqual(9_500);

  // Off: no countdown, and the reply leaves at once (well inside what the default window would hold it).
  await setting.selectOption({ label: 'Send at once' });
  const offClicked = await send('sent at once');
  await expect.poll(() => posted.has('sent at once'), { timeout: 30_000 }).toBe(true);
  expect(posted.get('sent at once')! - offClicked).toBeLessThan(3_500);
  await expect(held).toHaveCount(0);
  await expectAllSent(page);
  const { messages } = await alice.conversation(target.id);
  expect(messages.map((message) => message.body)).toEqual(expect.arrayContaining(['held for four seconds', 'held for ten seconds', 'sent at once']));

  // The choice is the agent's, kept on this device.
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Undo window' })).toHaveValue('0');
});

test('closing and reopening a conversation', async ({ page, api }) => {
  const alice = await api();
  const target = await openConversation(alice, 1);
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  await page.getByRole('button', { name: 'Close conversation' }).click();
  await expect(page.getByRole('button', { name: 'Reopen conversation' })).toBeVisible();
  await expect.poll(async () => (await alice.conversation(target.id)).conversation.status).toBe('closed');
  await page.getByRole('button', { name: 'Reopen conversation' }).click();
  await expect(page.getByRole('button', { name: 'Close conversation' })).toBeVisible();
  await expect.poll(async () => (await alice.conversation(target.id)).conversation.status).toBe('open');
});

test('assigning a conversation to another agent', async ({ page, api }) => {
  const alice = await api();
  const target = await openConversation(alice, 2);
  const { agents } = await alice.json<{ agents: { id: string; name: string }[] }>('/api/agents');
  const bob = agents.find((agent) => agent.name === 'Bob Chen')!;
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Bob Chen' });
  await expect.poll(async () => (await alice.conversation(target.id)).conversation.assigneeId).toBe(bob.id);
  await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Unassigned' });
  await expect.poll(async () => (await alice.conversation(target.id)).conversation.assigneeId).toBe(null);
});

test('a canned reply is inserted into the composer and can be sent', async ({ page, api }) => {
  const alice = await api();
  const target = await openConversation(alice, 3);
  const { cannedReplies } = await alice.json<{ cannedReplies: { title: string; body: string }[] }>('/api/canned-replies');
  const greeting = cannedReplies.find((reply) => reply.title === 'Greeting')!;
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  await page.getByRole('button', { name: 'Canned replies' }).click();
  await page.getByRole('button', { name: /^Greeting/ }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue(greeting.body);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(async () => (await alice.conversation(target.id)).messages.at(-1)?.body).toBe(greeting.body);
});

test('a second agent in another browser sees the changes live', async ({ page, browser, api, baseURL }) => {
  const alice = await api();
  const target = await openConversation(alice, 4);
  const bobContext = await browser.newContext({ baseURL });
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, 'bob@example.com');
  await bobPage.goto(`/conversations/${target.id}`);
  await expect(bobPage.getByRole('button', { name: 'Close conversation' })).toBeVisible();

  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  const text = `Live to Bob ${Date.now()}`;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(bobPage.getByRole('list', { name: 'Messages' }).getByText(text)).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Close conversation' }).click();
  await expect(bobPage.getByRole('button', { name: 'Reopen conversation' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Bob Chen' });
  const { agents } = await alice.json<{ agents: { id: string; email: string }[] }>('/api/agents');
  await expect(bobPage.getByRole('combobox', { name: 'Assign' })).toHaveValue(agents.find((agent) => agent.email === 'bob@example.com')!.id);
  await bobContext.close();
});

test('inbox filters (mine, unassigned, closed) and search by customer', async ({ page, api }) => {
  const alice = await api();
  const mineOpen = await alice.conversations('?view=mine&status=open');
  const unassignedClosed = await alice.conversations('?view=unassigned&status=closed');
  await signIn(page);
  const inbox = page.getByRole('navigation', { name: 'Inbox' });
  await inbox.getByRole('button', { name: 'Mine' }).click();
  await expect(inbox.getByText(`${mineOpen.length} conversations`)).toBeVisible();
  await inbox.getByRole('button', { name: 'Unassigned' }).click();
  await inbox.getByRole('button', { name: 'Closed' }).click();
  await expect(inbox.getByText(`${unassignedClosed.length} conversation`)).toBeVisible();

  await inbox.getByRole('button', { name: 'All' }).click();
  await inbox.getByRole('button', { name: 'Open' }).click();
  const customer = mineOpen[0]!.customerName;
  await inbox.getByRole('searchbox', { name: 'Search customers' }).fill(customer);
  const links = inbox.getByRole('link');
  await expect(links.first()).toBeVisible();
  // Each row's name is its visible text, which starts with the customer's name.
  for (const name of await links.evaluateAll((elements) => elements.map((element) => element.querySelector('strong')?.textContent))) {
    expect(name).toContain(customer);
  }
});

test('keyboard: j/k move through the inbox, r focuses the composer, Ctrl+Enter sends', async ({ page, api }) => {
  const alice = await api();
  await signIn(page);
  const inbox = page.getByRole('navigation', { name: 'Inbox' });
  await expect(inbox.getByRole('link').nth(1)).toBeVisible();
  // The inbox's order settled (the first sync and the stream's catch-up can still move a row to the top):
  // the same first two rows on two reads in a row. A fresh-clone run read them just before they moved.
  const firstTwo = () => inbox.getByRole('link').evaluateAll((elements) => elements.slice(0, 2).map((element) => element.getAttribute('href')));
  let names = await firstTwo();
  await expect
    .poll(
      async () => {
        const before = names;
        names = await firstTwo();
        const now = names;
        return JSON.stringify(before) === JSON.stringify(now);
      },
      { intervals: [500], timeout: 30_000 },
    )
    .toBe(true);
  await page.keyboard.press('j');
  await expect(page).toHaveURL(new RegExp(`${names[0]}$`));
  await page.keyboard.press('j');
  await expect(page).toHaveURL(new RegExp(`${names[1]}$`));
  await page.keyboard.press('k');
  await expect(page).toHaveURL(new RegExp(`${names[0]}$`));
  // As an agent would: r once the conversation is on screen (pressed while the previous one's composer is
  // still drawn, it focuses that one, which the next render replaces).
  const { conversation: first } = await alice.conversation(names[0]!.split('/').pop()!);
  await expect(page.getByRole('heading', { level: 1, name: first.customerName })).toBeVisible();
  await page.keyboard.press('r');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  const text = `Sent from the keyboard ${Date.now()}`;
  await page.keyboard.type(text);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('list', { name: 'Messages' }).getByText(text)).toBeVisible();
  await expectAllSent(page);
  const id = names[0]!.split('/').pop()!;
  expect((await alice.conversation(id)).messages.some((message) => message.body === text)).toBe(true);
});

test('the inbox list is virtualized: only the visible rows are in the page', async ({ page, api }) => {
  const alice = await api();
  const total = (await alice.conversations('?status=open')).length;
  expect(total).toBeGreaterThan(100);
  await signIn(page);
  const inbox = page.getByRole('navigation', { name: 'Inbox' });
  await expect(inbox.getByText(`${total} conversations`)).toBeVisible();
  const rendered = await inbox.getByRole('link').count();
  expect(rendered).toBeLessThan(40);
  await page.getByTestId('inbox-scroll').evaluate((element) => element.scrollTo(0, element.scrollHeight));
  const oldest = (await alice.conversations('?status=open')).at(-1)!;
  await expect(inboxRow(page, oldest).last()).toBeVisible();
  expect(await inbox.getByRole('link').count()).toBeLessThan(40);
});

test('sign out forgets the session: back to sign-in, and the old token is refused', async ({ page, baseURL }) => {
  await signIn(page);
  // The token is an HttpOnly cookie: no script in the page can read it, and nothing stored holds it.
  const token = (await sessionCookie(page))!;
  expect(token).toBeTruthy();
  const readable = await page.evaluate(() => document.cookie + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(readable).not.toContain(token);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('holdfast.session'))).toBeNull();
  await expect.poll(() => sessionCookie(page)).toBeUndefined();
  const response = await fetch(`${baseURL}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(401);
});

test('the service worker precaches the app shell', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain('/index.html');
  expect(cached.some((path) => /^\/assets\/index-.*\.js$/.test(path))).toBe(true);
});

test('the build lists every content-hashed asset with its SHA-256, and the server serves exactly those bytes with that content type', async ({ request }) => {
  const manifest = (await (await request.get('/asset-manifest.json')).json()) as Record<string, { sha256: string; size: number; contentType: string }>;
  const paths = Object.keys(manifest);
  // The worker and the shell are revalidated, so a release reaches agents.
  for (const path of ['/sw.js', '/']) expect((await request.get(path)).headers()['cache-control'], path).toBe('no-cache');
  expect(paths.some((path) => /^\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
  expect(paths.some((path) => /^\/assets\/index-[\w-]+\.css$/.test(path))).toBe(true);
  for (const [path, entry] of Object.entries(manifest)) {
    const response = await request.get(path);
    expect(response.status()).toBe(200);
    // As the CDN cascade judges it (JavaScript's MIME aliases alike).
    expect(contentTypeMatches(response.headers()['content-type'] ?? null, entry.contentType), `${path}: ${response.headers()['content-type']}`).toBe(true);
    // Readable from any origin (a CDN pulling from here passes it on), and cacheable for good.
    expect(response.headers()['access-control-allow-origin']).toBe('*');
    expect(response.headers()['cache-control']).toContain('immutable');
    const body = await response.body();
    expect(body.byteLength).toBe(entry.size);
    expect(createHash('sha256').update(body).digest('hex')).toBe(entry.sha256);
  }
});

test('text is sent compressed by Accept-Encoding: assets precompressed (brotli, gzip) and immutable, the shell and the worker revalidated, API pages compressed per request', async ({
  request,
  api,
}) => {
  const manifest = (await (await request.get('/asset-manifest.json')).json()) as Record<string, { sha256: string; size: number; contentType: string }>;
  const textAssets = Object.entries(manifest).filter(([path, entry]) => /\.(js|css|svg)$/.test(path) && entry.size >= 1024);
  expect(textAssets.length).toBeGreaterThanOrEqual(3);
  for (const [path, entry] of textAssets) {
    for (const [accept, encoding] of [
      ['br, gzip', 'br'],
      ['gzip', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const response = await request.get(path, { headers: { 'accept-encoding': accept } });
      const headers = response.headers();
      expect(headers['content-encoding'], `${path} for ${accept}`).toBe(encoding);
      expect(headers.vary?.toLowerCase(), path).toContain('accept-encoding');
      expect(headers['cache-control']).toContain('immutable');
      // Decoded, the bytes the build's digest names: what the cascade and SRI check.
      expect(
        createHash('sha256')
          .update(await response.body())
          .digest('hex'),
        `${path} for ${accept}`,
      ).toBe(entry.sha256);
    }
  }
  const worker = await request.get('/sw.js', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(worker.headers()['content-encoding']).toBe('br');
  expect(worker.headers()['cache-control']).toBe('no-cache');
  // The shell (under 1 KiB, below the compression threshold today) is revalidated on every path.
  for (const path of ['/', '/conversations/00000000-0000-4000-8000-000000000000'])
    expect((await request.get(path)).headers()['cache-control'], path).toBe('no-cache');
  // The precompressed copies are not a way around the shell's policy or the hidden source maps.
  for (const path of ['/index.html.br', '/index.html.gz']) expect((await request.get(path)).status(), path).not.toBe(200);
  const alice = await api();
  const sync = await alice.raw('/api/sync?limit=200', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(sync.status).toBe(200);
  // Node's fetch decodes and keeps the header: the page was sent brotli-encoded.
  expect(sync.headers.get('content-encoding')).toBe('br');
  const page = (await sync.json()) as { conversations: unknown[]; messages: unknown[] };
  expect(page.conversations.length + page.messages.length).toBe(200);
});
