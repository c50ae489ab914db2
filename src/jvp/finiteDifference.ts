import * as tf from '@tensorflow/tfjs';
import { tileBatch } from './tile';
import type { Dual } from './types';

/** Default step h for central differences (in units of v; see jvpFiniteDifference). */
export const DEFAULT_FD_STEP = 1e-3;

/**
 * Central finite differences J·v ≈ (f(x + h v) − f(x − h v)) / 2h, for black-box models and as a
 * test oracle (DESIGN §4). Truncation error is O(h²) for smooth f; for piecewise-linear nets
 * (ReLU, max-pool) it is exact unless x ± h v crosses a kink; float32 round-off is ≈ ε|f|/h.
 *
 * Convention:
 *  - x: [B, ...]; v: [k·B, ...] stacked direction-major; returns {primal: f(x), tangent: [k·B, ...]}.
 *  - h: step in units of v (t = ±h along v); default DEFAULT_FD_STEP.
 */
export function jvpFiniteDifference(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  v: tf.Tensor,
  k: number,
  h = DEFAULT_FD_STEP,
): Dual {
  return tf.tidy(() => {
    const primal = f(x);
    const xk = tileBatch(x, k);
    const step = tf.mul(v, h);
    const tangent = tf.div(tf.sub(f(tf.add(xk, step)), f(tf.sub(xk, step))), 2 * h);
    return { primal, tangent };
  });
}
