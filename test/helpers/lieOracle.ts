/**
 * The reverse-mode oracle for a model's Lie derivative, shared by the measured-model tests
 * (test/jvp/measured.test.ts, test/jvp/userInputs.test.ts): J_F(x)·(L x) from tfjs's own gradients,
 * one tf.grad per output component dotted with the image tangent, and the library's value to compare.
 */
import * as tf from '@tensorflow/tfjs';
import { imageTangent } from '../../src/groups';
import { lieDerivative } from '../../src/lie/lieDerivative';

/** max|a − b| / max|b| (max-norm relative error). */
export const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
};

/** J_F(x)·(L x) by reverse mode: one tf.grad per output component k of F(x) read as [N, K], dotted with the tangent. [N·K] row-major. */
export function reverseModeLie(F: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, group: string): Float64Array {
  const N = x.shape[0];
  const K = tf.tidy(() => F(x).size) / N;
  const out = new Float64Array(N * K);
  tf.tidy(() => {
    const v = imageTangent(x, group);
    for (let k = 0; k < K; k++) {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(tf.reshape(F(xx as tf.Tensor4D), [N, K]), [0, k], [N, 1])))(
        x,
      );
      const dots = tf.sum(tf.mul(g, v), [1, 2, 3]).dataSync();
      for (let n = 0; n < N; n++) out[n * K + k] = dots[n];
    }
  });
  return out;
}

/** The library's Lie derivative of `model` at x for one group, as host numbers [N·K]. */
export async function lieVector(
  model: Parameters<typeof lieDerivative>[0],
  x: tf.Tensor4D,
  group: string,
  opts: Parameters<typeof lieDerivative>[3] = {},
): Promise<Float64Array> {
  const [r] = await lieDerivative(model, x, [group], opts);
  const v = Float64Array.from(r.lie.dataSync());
  r.lie.dispose();
  return v;
}
