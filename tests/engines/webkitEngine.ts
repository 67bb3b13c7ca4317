import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../deploy/cluster/ManagedProcess.js';
import { scriptFor, type EngineBrowser, type EngineTab } from './EngineBrowser.js';

const miniBrowser = process.env.WEBKIT_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A display for the MiniBrowser, which has no headless mode: Xvfb, on the first free display it finds (-displayfd). */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    xvfb.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display`)));
  });
  return { display, process: xvfb };
}

type Answer<T> = { value: T };

/**
 * WebKitGTK: Debian's WebKitWebDriver driving its MiniBrowser under Xvfb, over classic WebDriver (it has no
 * BiDi). The client is these few fetch calls to the W3C endpoints: selenium-webdriver works too, but adds
 * nothing they need, and WebdriverIO asks for BiDi unless told not to and pulls in driver downloads.
 *
 * Each launch is a driver, a display and a session of their own (one session per driver; a new session
 * starts with a clean profile). The MiniBrowser runs as shipped: its page cache (back/forward cache) on,
 * and no `navigator.storage` (the Storage API is off in WebKitGTK's defaults).
 */
export async function launchWebKit(): Promise<EngineBrowser> {
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: xvfb.display } });
  const base = `http://127.0.0.1:${port}`;
  const stopAll = () => {
    driver.kill('SIGKILL');
    xvfb.process.kill('SIGKILL');
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as Answer<T>;
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${response.status} ${JSON.stringify(answer.value)}`);
    return answer.value;
  };
  try {
    for (const deadline = Date.now() + 30_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const ready = await call<{ ready: boolean }>('GET', '/status').then(
        (status) => status.ready,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error('WebKitWebDriver did not answer within 30 s');
    }
    const { sessionId } = await call<{ sessionId: string }>('POST', '/session', {
      // `--automation` is required with a binary: without it the session never starts.
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] } } },
    });
    const session = `/session/${sessionId}`;
    await call('POST', `${session}/timeouts`, { script: 120_000, pageLoad: 120_000 });
    // One window at a time takes commands: each tab switches to its own first, one command after another.
    let queue: Promise<unknown> = Promise.resolve();
    const inTab = <T>(handle: string, work: () => Promise<T>): Promise<T> => {
      const run = queue.then(async () => {
        await call('POST', `${session}/window`, { handle });
        return work();
      });
      queue = run.catch(() => undefined);
      return run;
    };
    let firstUsed = false;
    const tab = (handle: string): EngineTab => ({
      goto: (url) => inTab(handle, () => call('POST', `${session}/url`, { url })).then(() => undefined),
      evaluate: async (fn, arg) => {
        const script = `const done = arguments[arguments.length - 1];
          Promise.resolve().then(() => ${scriptFor(fn as (arg: never) => unknown, arg)}).then((value) => done({ value }), (error) => done({ error: String((error && error.stack) || error) }));`;
        const result = await inTab(handle, () => call<{ value?: unknown; error?: string }>('POST', `${session}/execute/async`, { script, args: [] }));
        if (result.error !== undefined) throw new Error(`in the page: ${result.error}`);
        return result.value as never;
      },
      back: () => inTab(handle, () => call('POST', `${session}/back`, {})).then(() => undefined),
      close: () => inTab(handle, () => call('DELETE', `${session}/window`)).then(() => undefined),
    });
    return {
      name: 'webkit',
      async newTab() {
        // The session's own window is the first tab; later ones open from any window still open.
        const [open] = await call<string[]>('GET', `${session}/window/handles`);
        if (!firstUsed) {
          firstUsed = true;
          return tab(open!);
        }
        const { handle } = await inTab(open!, () => call<{ handle: string }>('POST', `${session}/window/new`, { type: 'tab' }));
        return tab(handle);
      },
      async close() {
        await call('DELETE', session).catch(() => undefined);
        stopAll();
      },
    };
  } catch (error) {
    stopAll();
    throw error;
  }
}
