/**
 * Colour groups (DESIGN §2): per-pixel 3×3 maps expm(tG) on RGB, plus the per-image mean part for
 * groups with a meanGenerator (contrast). See `Group` in catalog.ts for the formulas.
 */
import * as tf from '@tensorflow/tfjs';
import type { Group } from './catalog';
import { flow, meanFlow, meanGeneratorOf, rows } from './generators';

/**
 * Finite colour action for each t: T_t x = M x + (M₀ − M) x̄ with M = expm(tG), M₀ = expm(tG₀),
 * x̄ the per-image mean colour. Written so that t = 0 (M = M₀ = I) returns x exactly. No clipping:
 * brightness and contrast can leave [0, 1] (clipping would break the group law).
 *
 * Convention:
 *  - x: [B, H, W, 3] float32 RGB; ts: T values of t (normalized units: radians for hue).
 *  - returns [T·B, H, W, 3], t-major.
 *  - memory: returns one new tensor and disposes its intermediates.
 */
export function applyColor(x: tf.Tensor4D, group: Group, ts: number[]): tf.Tensor4D {
  const pixel = ts.map((t) => flow(group, t));
  const mean = group.meanGenerator ? ts.map((t, k) => subtract(meanFlow(group, t), pixel[k])) : undefined;
  return tf.tidy(() => mapColors(x, pixel, mean));
}

/**
 * Colour tangent L x = G x + (G₀ − G) x̄ per pixel (contrast: x − m·1, m the mean luma).
 *
 * Convention:
 *  - x: [B, H, W, 3] float32 RGB; returns [B, H, W, 3], d/dt per normalized unit.
 *  - memory: returns one new tensor and disposes its intermediates.
 */
export function colorTangent(x: tf.Tensor4D, group: Group): tf.Tensor4D {
  const g = rows(group.generator);
  const mean = group.meanGenerator ? [subtract(rows(meanGeneratorOf(group)), g)] : undefined;
  return tf.tidy(() => mapColors(x, [g], mean));
}

/** out_k = x·M_kᵀ (+ x̄·N_kᵀ), stacked t-major: one matMul for all k. */
function mapColors(x: tf.Tensor4D, pixel: number[][][], mean?: number[][][]): tf.Tensor4D {
  const [B, H, W] = x.shape;
  const T = pixel.length;
  let out: tf.Tensor = tf.reshape(tf.matMul(tf.reshape(x, [B * H * W, 3]), transposedStack(pixel)), [B, H * W, T, 3]);
  if (mean) {
    const xbar = tf.mean(tf.reshape(x, [B, H * W, 3]), 1); // [B, 3]
    out = tf.add(out, tf.reshape(tf.matMul(xbar, transposedStack(mean)), [B, 1, T, 3]));
  }
  if (T === 1) return tf.reshape(out, [B, H, W, 3]);
  return tf.reshape(tf.transpose(out, [2, 0, 1, 3]), [T * B, H, W, 3]);
}

/** [3, 3T] with block k = M_kᵀ, so row-vector pixels times it give every M_k x side by side. */
function transposedStack(ms: number[][][]): tf.Tensor2D {
  const data = new Float32Array(9 * ms.length);
  ms.forEach((m, k) => {
    for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) data[c * 3 * ms.length + 3 * k + r] = m[r][c];
  });
  return tf.tensor2d(data, [3, 3 * ms.length]);
}

function subtract(a: number[][], b: number[][]): number[][] {
  return a.map((row, i) => row.map((v, j) => v - b[i][j]));
}
