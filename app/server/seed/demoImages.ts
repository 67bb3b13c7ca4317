/**
 * The demo's attachments: "screenshots" a customer might send, drawn from a seed so every database gets
 * the same picture. Generated rather than shipped to keep binaries out of the repo. Pixels only: the seed's
 * platform encodes them as PNG (pngjs on the server, the browser's canvas in the in-browser demo).
 */
export type DemoPixels = { name: string; width: number; height: number; rgba: Uint8Array };

export function drawDemoImage(index: number, width = 320, height = 200): DemoPixels {
  const png = { data: new Uint8Array(width * height * 4) };
  const hue = (index * 47) % 360;
  const [r1, g1, b1] = hsl(hue, 0.55, 0.55);
  const [r2, g2, b2] = hsl((hue + 60) % 360, 0.6, 0.35);
  const barCount = 3 + (index % 5);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height);
      let r = r1 + (r2 - r1) * t;
      let g = g1 + (g2 - g1) * t;
      let b = b1 + (b2 - b1) * t;
      // A "window" with bars, so each image has structure and compresses like a real screenshot.
      const inWindow = x > 24 && x < width - 24 && y > 28 && y < height - 20;
      if (inWindow) {
        [r, g, b] = [246, 247, 250];
        const bar = Math.floor((y - 40) / 22);
        const barWidth = ((index * 31 + bar * 53) % (width - 90)) + 30;
        if (y > 40 && bar < barCount && (y - 40) % 22 < 12 && x > 40 && x < 40 + barWidth) [r, g, b] = [r2, g2, b2];
      }
      if (y < 22) [r, g, b] = [40, 44, 52];
      const offset = (width * y + x) << 2;
      png.data[offset] = r;
      png.data[offset + 1] = g;
      png.data[offset + 2] = b;
      png.data[offset + 3] = 255;
    }
  }
  return { name: `screenshot-${String(index + 1).padStart(2, '0')}.png`, width, height, rgba: png.data };
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}
