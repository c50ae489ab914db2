/**
 * A PNG preview of image tangents: for each of the first `max` images, the image (top row) and its
 * tangent L x (bottom row) in a diverging map — grey is 0, per channel 0.5 + 0.5 · Lx / max|Lx| of
 * that image, so brighter means the group increases that channel there and darker decreases it.
 */
import * as fs from 'node:fs';
import { PNG } from 'pngjs';

/** x and lx: NHWC float32 [N, H, W, 3]. Writes a (2H + 3) × (k·(W + 2) + 2) PNG, k = min(N, max), atomically. Returns k. */
export function writeTangentPreview(
  file: string,
  x: Float32Array,
  lx: Float32Array,
  [N, H, W]: readonly number[],
  { max = 8, scale = 0 } = {},
): number {
  const k = Math.min(N, max);
  const pad = 2;
  const cell = Math.max(1, scale || Math.ceil(96 / Math.max(H, W))); // upscale small images (28×28 → 4×) so they can be seen
  const width = pad + k * (W * cell + pad);
  const height = pad + 2 * (H * cell + pad);
  const png = new PNG({ width, height });
  png.data.fill(255);
  const put = (px: number, py: number, rgb: number[]) => {
    for (let dy = 0; dy < cell; dy++) {
      for (let dx = 0; dx < cell; dx++) {
        const o = ((py + dy) * width + px + dx) * 4;
        png.data[o] = rgb[0];
        png.data[o + 1] = rgb[1];
        png.data[o + 2] = rgb[2];
        png.data[o + 3] = 255;
      }
    }
  };
  const to8 = (v: number) => Math.max(0, Math.min(255, Math.round(255 * v)));
  for (let n = 0; n < k; n++) {
    const base = n * H * W * 3;
    let m = 0;
    for (let i = 0; i < H * W * 3; i++) m = Math.max(m, Math.abs(lx[base + i]));
    const x0 = pad + n * (W * cell + pad);
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const o = base + (i * W + j) * 3;
        put(
          x0 + j * cell,
          pad + i * cell,
          [0, 1, 2].map((c) => to8(x[o + c])),
        );
        put(
          x0 + j * cell,
          2 * pad + H * cell + i * cell,
          [0, 1, 2].map((c) => to8(0.5 + (m > 0 ? (0.5 * lx[o + c]) / m : 0))),
        );
      }
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, PNG.sync.write(png));
  fs.renameSync(tmp, file);
  return k;
}
