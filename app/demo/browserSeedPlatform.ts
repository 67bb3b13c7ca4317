import type { SeedPlatform } from '../server/seed/seedDemo.js';

/**
 * The demo seed in the browser: PNGs from an OffscreenCanvas (available in workers), and no password
 * hash — the demo's sign-in picks an agent and checks no password.
 */
export const browserSeedPlatform: SeedPlatform = {
  hashPassword: async () => 'demo: no password',
  encodePng: async ({ width, height, rgba }) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
    return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  },
};
