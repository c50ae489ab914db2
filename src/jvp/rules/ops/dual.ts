/**
 * Helpers shared by the GraphModel op rules: telling Duals from constants, and moving a stacked
 * tangent [k·B, ...] between its stacked form and one with a leading direction axis [k, B, ...]
 * (src/jvp/types.ts). Not a rule; registers nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../../../errors';
import { registeredOps } from '../../registry';
import { mulTiled } from '../../tile';
import type { Dual } from '../../types';

export type OpInput = Dual | tf.Tensor;

export function isDual(v: OpInput | undefined): v is Dual {
  return v !== undefined && !(v instanceof tf.Tensor) && (v as Dual).primal instanceof tf.Tensor;
}

export function primalOf(v: OpInput): tf.Tensor {
  return isDual(v) ? v.primal : v;
}

/** Inputs such as filters and biases must not depend on the image; say so by name if they do. */
export function requireConstant(
  v: OpInput | undefined,
  what: string,
  op: string,
  nodeName: string,
): tf.Tensor | undefined {
  if (isDual(v))
    throw new UnsupportedLayerError(nodeName, `${op} with an input-dependent ${what}`, registeredOps(), 'op');
  return v;
}

/**
 * [k·s0, ...rest] → [k, 1, …, 1, s0, ...rest] with `rank` − primal rank ones, so that primal-shaped
 * factors broadcast against every direction at once (no tiling). `shape` is the primal's shape.
 */
export function unfold(t: tf.Tensor, k: number, shape: number[], rank = shape.length): tf.Tensor {
  const ones = new Array(Math.max(0, rank - shape.length)).fill(1);
  return tf.reshape(t, [k, ...ones, ...shape]);
}

/** [k, s0, ...rest] → [k·s0, ...rest]; a rank-0 primal keeps one value per direction, [k]. */
export function fold(t: tf.Tensor): tf.Tensor {
  if (t.rank <= 1) return t;
  return tf.reshape(t, [t.shape[0] * t.shape[1]!, ...t.shape.slice(2)]);
}

/** Applies a linear map to each direction's block separately (exact for any op whose arguments mention the batch size). */
export function perDirection(t: tf.Tensor, k: number, f: (block: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (k === 1) return f(t);
  const blocks = tf.split(t, k, 0).map(f);
  return blocks[0].rank === 0 ? tf.stack(blocks) : tf.concat(blocks, 0);
}

/** factor ⊙ tangent, for a factor of the primal output's shape (a pointwise derivative). */
export function scaleTangent(t: tf.Tensor, k: number, factor: tf.Tensor): tf.Tensor {
  return mulTiled(t, factor, k);
}

/** Reshapes a stacked tangent to follow a pure reshape of the primal (Reshape, Squeeze, ExpandDims, Identity). */
export function reshapeTangent(t: tf.Tensor, k: number, outShape: number[]): tf.Tensor {
  return fold(tf.reshape(t, [k, ...outShape]));
}
