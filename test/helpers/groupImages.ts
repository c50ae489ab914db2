import * as tf from '@tensorflow/tfjs';

/**
 * Analytic test images for src/groups, with their exact gradients in normalized coordinates
 * (u = −1 + 2j/(W−1) right, v = −1 + 2i/(H−1) down), one function per channel.
 */
export interface AnalyticImage {
  value(u: number, v: number, c: number): number;
  /** [∂x/∂u, ∂x/∂v] at (u, v) for channel c. */
  grad(u: number, v: number, c: number): [number, number];
}

const coord = (k: number, n: number) => -1 + (2 * k) / (n - 1);

/**
 * x_c = 0.5 + 0.25·cos(a_c(u+1))·cos(b_c(v+1)), a_c, b_c multiples of π/2: zero normal derivative at
 * u, v = ±1, so its even reflection about the border pixel centres is smooth and a reflected
 * difference is O(h²) accurate on every pixel, borders included. Values in [0.25, 0.75].
 */
export const NEUMANN_COSINES: AnalyticImage = (() => {
  const a = [Math.PI, 1.5 * Math.PI, 0.5 * Math.PI];
  const b = [0.5 * Math.PI, Math.PI, 1.5 * Math.PI];
  return {
    value: (u, v, c) => 0.5 + 0.25 * Math.cos(a[c] * (u + 1)) * Math.cos(b[c] * (v + 1)),
    grad: (u, v, c) => [
      -0.25 * a[c] * Math.sin(a[c] * (u + 1)) * Math.cos(b[c] * (v + 1)),
      -0.25 * b[c] * Math.cos(a[c] * (u + 1)) * Math.sin(b[c] * (v + 1)),
    ],
  };
})();

/** x_c = 0.5 + 0.4·sin(a_c u + b_c v + φ_c), the plane waves (reflection breaks them at the border). */
export const PLANE_WAVES: AnalyticImage = (() => {
  const a = [2.0, -1.3, 0.7];
  const b = [0.9, 1.7, -2.2];
  const phi = [0.3, 1.1, -0.5];
  return {
    value: (u, v, c) => 0.5 + 0.4 * Math.sin(a[c] * u + b[c] * v + phi[c]),
    grad: (u, v, c) => [
      0.4 * a[c] * Math.cos(a[c] * u + b[c] * v + phi[c]),
      0.4 * b[c] * Math.cos(a[c] * u + b[c] * v + phi[c]),
    ],
  };
})();

/** Samples an analytic image on the H×W grid as a [1, H, W, 3] float32 tensor. */
export function sampleImage(img: AnalyticImage, H: number, W: number): tf.Tensor4D {
  const data = new Float32Array(H * W * 3);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++)
      for (let c = 0; c < 3; c++) data[(i * W + j) * 3 + c] = img.value(coord(j, W), coord(i, H), c);
  return tf.tensor4d(data, [1, H, W, 3]);
}

/** The exact tangent X_u ∂_u x + X_v ∂_v x for the field rows (a, b, c) of a homogeneous generator, in float64. */
export function exactTangent(img: AnalyticImage, G: number[][], H: number, W: number): Float64Array {
  const out = new Float64Array(H * W * 3);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const u = coord(j, W);
      const v = coord(i, H);
      const xu = G[0][0] * u + G[0][1] * v + G[0][2];
      const xv = G[1][0] * u + G[1][1] * v + G[1][2];
      for (let c = 0; c < 3; c++) {
        const [du, dv] = img.grad(u, v, c);
        out[(i * W + j) * 3 + c] = xu * du + xv * dv;
      }
    }
  }
  return out;
}

/** max |a − b| / max |b| over pixels at least `margin` pixels from the border (NHWC, 3 channels, one image). */
export function relErrorInterior(a: ArrayLike<number>, b: ArrayLike<number>, H: number, W: number, margin = 0): number {
  let num = 0;
  let den = 0;
  for (let i = margin; i < H - margin; i++) {
    for (let j = margin; j < W - margin; j++) {
      for (let c = 0; c < 3; c++) {
        const k = (i * W + j) * 3 + c;
        num = Math.max(num, Math.abs(a[k] - b[k]));
        den = Math.max(den, Math.abs(b[k]));
      }
    }
  }
  return num / (den || 1);
}
