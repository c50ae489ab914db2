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
  const list = axis === undefined || axis === null ? [...Array(rank).keys()] : Array.isArray(axis) ? (axis.flat(Infinity) as number[]) : [axis as number];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

function linearReduction(op: string, reduce: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = inputs[0];
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const axes = normalizeAxes(attrs.axis, x.primal.rank);
      const keepDims = Boolean(attrs.keepDims);
      const primal = reduce(x.primal, attrs.axis as number[], keepDims);
      const tangent = tf.tidy(() => fold(reduce(unfold(x.tangent, k, x.primal.shape), axes.map((a) => a + 1), keepDims)));
      return [{ primal, tangent }];
    },
  };
}

export const meanRule = linearReduction('Mean', (x, axes, keepDims) => tf.mean(x, axes, keepDims));
export const sumRule = linearReduction('Sum', (x, axes, keepDims) => tf.sum(x, axes, keepDims));

function extremum(op: string, reduce: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor): OpRule {
  return {
    op,
    jvp: ({ inputs, attrs, k }) => {
      const x = inputs[0];
      if (!isDual(x)) throw new Error(`${op} rule called without a dual input`);
      const axes = normalizeAxes(attrs.axis, x.primal.rank);
      const keepDims = Boolean(attrs.keepDims);
      const primal = reduce(x.primal, attrs.axis as number[], keepDims);
      const tangent = tf.tidy(() => {
        const hit = tf.cast(tf.equal(x.primal, reduce(x.primal, axes, true)), 'float32');
        const count = tf.sum(hit, axes, keepDims);
        const shifted = axes.map((a) => a + 1);
        return fold(tf.div(tf.sum(tf.mul(unfold(x.tangent, k, x.primal.shape), hit), shifted, keepDims), count));
      });
      return [{ primal, tangent }];
    },
  };
}

export const maxRule = extremum('Max', (x, axes, keepDims) => tf.max(x, axes, keepDims));
export const minRule = extremum('Min', (x, axes, keepDims) => tf.min(x, axes, keepDims));
