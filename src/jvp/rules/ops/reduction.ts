/**
 * Reductions. Mean and Sum are linear (applied to each direction, axes shifted past the direction
 * axis). Max and Min pass the tangent at the extremum; on ties the average of the tied tangents,
 * as tfjs's (and TF's) gradient splits the gradient among them.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fold, isDual, unfold } from './dual';

/** Axis attribute (number, list or absent = all) → sorted non-negative axes of a rank-r tensor. */
export function normalizeAxes(axis: unknown, rank: number): number[] {
  const list =
    axis === undefined || axis === null
      ? [...Array(rank).keys()]
      : Array.isArray(axis)
        ? (axis.flat(Infinity) as number[])
        : [axis as number];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

type Reduce = (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor;

/**
 * A reduction's rule: the primal reduced as the op asked, the tangent by `reduceTangent` given the
 * direction-unfolded tangent [k, ...x.shape] and the op's axes shifted past the direction axis.
 */
function reductionRule(
  op: string,
  reduce: Reduce,
  reduceTangent: (args: {
    x: tf.Tensor;
    v: tf.Tensor;
    axes: number[];
    shifted: number[];
    keepDims: boolean;
  }) => tf.Tensor,
): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = inputs[0];
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const axes = normalizeAxes(attrs.axis, x.primal.rank);
      const keepDims = Boolean(attrs.keepDims);
      const primal = reduce(x.primal, attrs.axis as number[], keepDims);
      const tangent = tf.tidy(() =>
        fold(
          reduceTangent({
            x: x.primal,
            v: unfold(x.tangent, k, x.primal.shape),
            axes,
            shifted: axes.map((a) => a + 1),
            keepDims,
          }),
        ),
      );
      return [{ primal, tangent }];
    },
  };
}

const linearReduction = (op: string, reduce: Reduce) =>
  reductionRule(op, reduce, ({ v, shifted, keepDims }) => reduce(v, shifted, keepDims));

export const meanRule = linearReduction('Mean', (x, axes, keepDims) => tf.mean(x, axes, keepDims));
export const sumRule = linearReduction('Sum', (x, axes, keepDims) => tf.sum(x, axes, keepDims));

const extremum = (op: string, reduce: Reduce) =>
  reductionRule(op, reduce, ({ x, v, axes, shifted, keepDims }) => {
    const hit = tf.cast(tf.equal(x, reduce(x, axes, true)), 'float32');
    return tf.div(tf.sum(tf.mul(v, hit), shifted, keepDims), tf.sum(hit, axes, keepDims));
  });

export const maxRule = extremum('Max', (x, axes, keepDims) => tf.max(x, axes, keepDims));
export const minRule = extremum('Min', (x, axes, keepDims) => tf.min(x, axes, keepDims));

/**
 * Prod: y = Π_{i∈A} x_i ⇒ ẏ = Σ_i ẋ_i Π_{j≠i} x_j. The cofactor Π_{j≠i} x_j is the product of the
 * exclusive cumulative products from the left and from the right along the reduced axes (flattened
 * into one), so it needs no division and is exact where some x_j = 0 (where y/x_i would be 0/0).
 */
export const prodRule = reductionRule(
  'Prod',
  (x, axes, keepDims) => tf.prod(x, axes, keepDims),
  ({ x, v, axes, keepDims }) => {
    const others = [...Array(x.rank).keys()].filter((a) => !axes.includes(a));
    const n = axes.reduce((p, a) => p * x.shape[a], 1);
    const kept = others.map((a) => x.shape[a]);
    const xt = tf.reshape(tf.transpose(x, [...others, ...axes]), [...kept, n]);
    // tfjs 4.22's cumprod takes no negative axis (axis −1 returns an empty tensor).
    const last = kept.length;
    const cofactor = tf.mul(tf.cumprod(xt, last, true), tf.cumprod(xt, last, true, true));
    const vt = tf.reshape(tf.transpose(v, [0, ...others.map((a) => a + 1), ...axes.map((a) => a + 1)]), [
      v.shape[0],
      ...kept,
      n,
    ]);
    const t = tf.sum(tf.mul(vt, cofactor), last + 1);
    return keepDims ? tf.reshape(t, [v.shape[0], ...x.shape.map((d, a) => (axes.includes(a) ? 1 : d))]) : t;
  },
);
