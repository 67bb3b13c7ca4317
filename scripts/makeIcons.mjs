/**
 * Writes the app's PNG icons (192 and 512 px, "any" and "maskable") into app/client/public, drawn from the same
 * shapes as icon.svg: a rounded square in the theme colour with a white "H". Run once when the mark
 * changes (`node scripts/makeIcons.mjs`); the PNGs are committed. Hand-drawn with pngjs because the
 * project has no image toolchain and the mark is three strokes: anti-aliased by 4×4 supersampling.
 *
 * Maskable icons fill the whole square (the platform cuts its own shape) and keep the mark inside the
 * central safe zone (a circle of 40% radius), as https://w3c.github.io/manifest/#icon-masks asks.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const theme = [0x1f, 0x3a, 0x5f];
const white = [255, 255, 255];

/** Distance from point p to segment a–b. */
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** In icon.svg's 64-unit space: 0 outside, 1 background, 2 mark. */
function shapeAt(x, y, maskable) {
  // The mark, scaled about the centre so a maskable icon's stays in the safe zone.
  const scale = maskable ? 0.72 : 1;
  const mx = 32 + (x - 32) / scale;
  const my = 32 + (y - 32) / scale;
  const half = 7 / 2;
  const onMark =
    segmentDistance(mx, my, 18, 16, 18, 48) <= half || segmentDistance(mx, my, 46, 16, 46, 48) <= half || segmentDistance(mx, my, 18, 32, 46, 32) <= half;
  if (maskable) return onMark ? 2 : 1;
  // Rounded square, corner radius 14.
  const r = 14;
  const cx = Math.min(Math.max(x, r), 64 - r);
  const cy = Math.min(Math.max(y, r), 64 - r);
  if (x < 0 || y < 0 || x > 64 || y > 64 || Math.hypot(x - cx, y - cy) > r) return 0;
  return onMark ? 2 : 1;
}

function draw(size, maskable) {
  const png = new PNG({ width: size, height: size });
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let alpha = 0;
      let markShare = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const shape = shapeAt(((x + (sx + 0.5) / samples) / size) * 64, ((y + (sy + 0.5) / samples) / size) * 64, maskable);
          if (shape > 0) alpha++;
          if (shape === 2) markShare++;
        }
      }
      const covered = Math.max(alpha, 1);
      const mix = markShare / covered;
      const offset = (y * size + x) * 4;
      for (let channel = 0; channel < 3; channel++) png.data[offset + channel] = Math.round(theme[channel] * (1 - mix) + white[channel] * mix);
      png.data[offset + 3] = Math.round((alpha / (samples * samples)) * 255);
    }
  }
  return PNG.sync.write(png);
}

for (const size of [192, 512]) {
  writeFileSync(new URL(`../app/client/public/icon-${size}.png`, import.meta.url), draw(size, false));
  writeFileSync(new URL(`../app/client/public/icon-maskable-${size}.png`, import.meta.url), draw(size, true));
}
console.log('icons written to app/public');
