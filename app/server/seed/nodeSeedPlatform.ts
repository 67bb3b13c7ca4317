import { hashPassword } from 'holdfast/server';
import { PNG } from 'pngjs';
import type { SeedPlatform } from './seedDemo.js';

/** The seed on the server: scrypt password hashes (as sign-in checks them) and PNGs from pngjs. */
export const nodeSeedPlatform: SeedPlatform = {
  hashPassword,
  encodePng: async ({ width, height, rgba }) => {
    const png = new PNG({ width, height });
    png.data = Buffer.from(rgba);
    return PNG.sync.write(png);
  },
};
