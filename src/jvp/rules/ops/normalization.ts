/**
 * LRN (local response normalization, AlexNet/GoogLeNet-era graphs) and EuclideanNorm.
 *
 * LRN: y_c = x_c · s_c^(−β), s_c = bias + α Σ_{|c'−c| ≤ r} x_{c'}² (TF's depth_radius r, last axis), so
 *   ẏ_c = ẋ_c · s_c^(−β) − 2αβ · x_c · s_c^(−β−1) · Σ_{|c'−c| ≤ r} x_{c'} ẋ_{c'}.
 * EuclideanNorm: y = ‖x‖₂ over the axes, ẏ = ⟨x, ẋ⟩ / y (0 where y = 0, the subgradient tfjs's
 * sqrt/sum gradients would not give: they are NaN there).
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fold, isDual, unfold } from './dual';
import { normalizeAxes } from './reduction';

/** Σ over a window of 2r + 1 along the last axis (zero-padded), for any rank. */
function windowSum(t: tf.Tensor, r: number): tf.Tensor {
  const c = t.shape[t.rank - 1];
  const pads = t.shape.map((): [number, number] => [0, 0]);
  pads[t.rank - 1] = [r, r];
  const padded = tf.pad(t, pads);
  let sum: tf.Tensor | undefined;
  for (let o = 0; o <= 2 * r; o++) {
    const begin = t.shape.map(() => 0);
    begin[t.rank - 1] = o;
    const size = [...t.shape.slice(0, -1), c];
    const part = tf.slice(padded, begin, size);
    sum = sum ? tf.add(sum, part) : part;
  }
  return sum!;
}

export const lrnRule: OpRule = {
  op: 'LRN',
  jvp: ({ inputs, attrs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('LRN rule called without a dual input');
    const r = attrs.radius as number;
    const bias = attrs.bias as number;
    const alpha = attrs.alpha as number;
    const beta = attrs.beta as number;
    const y = tf.localResponseNormalization(x.primal as tf.Tensor4D, r, bias, alpha, beta);
    const tangent = tf.tidy(() => {
      const s = tf.add(bias, tf.mul(alpha, windowSum(tf.square(x.primal), r)));
      const sPow = tf.pow(s, -beta);
      const u = unfold(x.tangent, k, x.primal.shape);
      const cross = windowSum(tf.reshape(tf.mul(u, x.primal), [k * x.primal.shape[0], ...x.primal.shape.slice(1)]), r);
      const coeff = tf.mul(-2 * alpha * beta, tf.mul(x.primal, tf.div(sPow, s)));
      return fold(tf.add(tf.mul(u, sPow), tf.mul(unfold(cross, k, x.primal.shape), coeff)));
    });
    return [{ primal: y, tangent }];
  },
};

export const euclideanNormRule: OpRule = {
  op: 'EuclideanNorm',
  jvp: ({ inputs, attrs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('EuclideanNorm rule called without a dual input');
    const keepDims = Boolean(attrs.keepDims);
    const axes = normalizeAxes(attrs.axis, x.primal.rank);
    const y = tf.euclideanNorm(x.primal, attrs.axis as number[], keepDims);
    const tangent = tf.tidy(() => {
      const yKeep = tf.euclideanNorm(x.primal, axes, true);
      const dot = tf.sum(
        tf.mul(unfold(x.tangent, k, x.primal.shape), x.primal),
        axes.map((a) => a + 1),
        true,
      );
      const d = tf.where(tf.greater(yKeep, 0), tf.divNoNan(dot, yKeep), tf.zerosLike(dot));
      return fold(
        keepDims
          ? d
          : tf.squeeze(
              d,
              axes.map((a) => a + 1),
            ),
      );
    });
    return [{ primal: y, tangent }];
  },
};
