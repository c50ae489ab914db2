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
