import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { PNG } from 'pngjs';
import { chromiumArgs } from '../../playwright.config.js';
import { expect, signIn, test } from './fixtures.js';

type ManifestIcon = { src: string; sizes: string; type: string; purpose?: string };
type WebAppManifest = {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
  shortcuts: { name: string; url: string }[];
};

/**
 * A browser profile on disk, as an agent's: Chromium never offers to install from an incognito-like
 * context (Playwright's default contexts report `in-incognito`).
 */
async function withProfile(baseURL: string, work: (context: BrowserContext) => Promise<void>, extraArgs: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    baseURL,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, ...extraArgs],
    viewport: { width: 1280, height: 800 },
  });
  try {
    await work(context);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the manifest is complete: names, icons at 192 and 512 px (any and maskable), colours, scope, standalone, shortcuts', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.ok()).toBe(true);
  const manifest = (await response.json()) as WebAppManifest;
  expect(manifest).toMatchObject({ name: 'Holdfast agent workspace', short_name: 'Holdfast', start_url: '/', scope: '/', display: 'standalone' });
  expect(manifest.description.length).toBeGreaterThan(20);
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.shortcuts.map((shortcut) => shortcut.name)).toEqual(['Inbox', 'Mine']);
  for (const size of [192, 512]) {
    for (const purpose of ['any', 'maskable']) {
      const icon = manifest.icons.find((candidate) => candidate.sizes === `${size}x${size}` && (candidate.purpose ?? 'any').split(' ').includes(purpose));
      expect(icon, `${size} px ${purpose} icon`).toBeDefined();
      // The file is a PNG of exactly that size.
      const image = await request.get(icon!.src);
      expect(image.headers()['content-type']).toBe('image/png');
      const png = PNG.sync.read(await image.body());
      expect([png.width, png.height]).toEqual([size, size]);
    }
  }
});

test('Chromium reports no installability errors, and "Install app" shows when the browser offers installation', async ({ server }) => {
  await withProfile(server.url, async (context) => {
    const page = await context.newPage();
    // Before any script: was the offer made, and was the button absent until then?
    await page.addInitScript(() => {
      const seen = window as unknown as { offered?: boolean };
      addEventListener('beforeinstallprompt', () => (seen.offered = true));
    });
    await page.goto('/');
    const cdp = await context.newCDPSession(page);
    await expect
      .poll(
        async () =>
          ((await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] }).installabilityErrors.map(
            (error) => error.errorId,
          ),
        {
          timeout: 30_000,
        },
      )
      .toEqual([]);
    const { errors } = (await cdp.send('Page.getAppManifest')) as { errors: { message: string }[] };
    expect(errors).toEqual([]);
    await expect.poll(() => page.evaluate(() => (window as unknown as { offered?: boolean }).offered === true), { timeout: 30_000 }).toBe(true);
    await expect(page.getByRole('button', { name: 'Install app' })).toBeVisible();
    // Signed in, the workspace's header offers it too.
    await signIn(page);
    await expect(page.getByRole('banner').getByRole('button', { name: 'Install app' })).toBeVisible({ timeout: 30_000 });
  });
});

test('launched as the installed app (its own window, display-mode standalone): the same workspace, no install offer, and the "Mine" shortcut opens on Mine', async ({
  server,
}) => {
  // `--app=<url>` opens the page in an app window, as launching the installed app does.
  await withProfile(
    server.url,
    async (context) => {
      const page = context.pages()[0] ?? (await context.waitForEvent('page'));
      await page.goto('/');
      expect(await page.evaluate(() => matchMedia('(display-mode: standalone)').matches)).toBe(true);
      await signIn(page);
      await expect(page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first()).toBeVisible();
      await expect(page.getByRole('button', { name: 'Install app' })).toHaveCount(0);
      await page.goto('/?view=mine');
      await expect(page.getByRole('group', { name: 'Assignee' }).getByRole('button', { name: 'Mine' })).toHaveAttribute('aria-pressed', 'true');
      await expect(page.getByRole('group', { name: 'Assignee' }).getByRole('button', { name: 'All' })).toHaveAttribute('aria-pressed', 'false');
    },
    [`--app=${server.url}/`],
  );
});
