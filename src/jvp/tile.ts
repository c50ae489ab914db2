import * as tf from '@tensorflow/tfjs';
import type { Dual } from './types';

/**
 * Helpers for k tangent directions stacked on the batch axis (src/jvp/types.ts): a factor computed
 * from the primal ([B, ...]) acts on a tangent ([k·B, ...]) by broadcasting over a leading k axis,
 * so it is never copied k times.
 */

/** tangent ⊙ factor, with factor [B, ...] broadcast over the k directions of tangent [k·B, ...]. */
export function mulTiled(tangent: tf.Tensor, factor: tf.Tensor, k: number): tf.Tensor {
  if (k === 1) return tf.mul(tangent, factor);
  return tf.tidy(() => tf.mul(tangent.reshape([k, ...factor.shape]), factor).reshape(tangent.shape));
}

/** b + mask·(a − b): picks a where mask (0/1, [B, ...]) is 1, for tangents a, b of [k·B, ...]. */
export function selectTiled(mask: tf.Tensor, a: tf.Tensor, b: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => tf.add(b, mulTiled(tf.sub(a, b), mask, k)));
}

/** Repeats t ([B, ...]) k times along the batch axis, direction-major, to [k·B, ...]. */
export function tileBatch(t: tf.Tensor, k: number): tf.Tensor {
  if (k === 1) return t.clone();
  return tf.tile(t, [k, ...new Array(t.rank - 1).fill(1)]);
}

/** tf.tidy for functions returning Duals (the Dual interface is not a TensorContainer to TypeScript). */
export function tidyDual<T extends Dual | Dual[]>(fn: () => T): T {
  // tf.tidy keeps the tensors inside any object at run time, but its type takes a TensorContainer, which Dual is not.
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
