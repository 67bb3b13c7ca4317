export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` until it holds or `timeoutMs` passes; answers when it held (undefined: never). One
 * poll that does not answer within 10 s (a page that hangs) counts as not holding, and `say` is told why
 * (a condition may throw to say what it still waits for). The scenarios' and the runner's own waits.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  say: (line: string) => void = () => {},
  pollMs = 250,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() <= deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const held = await Promise.race([
      Promise.resolve()
        .then(condition)
        .catch((error: unknown) => String(error)),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer within 10 s'), 10_000))),
    ]);
    clearTimeout(timer);
    if (held === true) return Date.now();
    if (typeof held === 'string' && held !== lastError) {
      lastError = held;
      say(held);
    }
    await sleep(pollMs);
  }
  return undefined;
}
