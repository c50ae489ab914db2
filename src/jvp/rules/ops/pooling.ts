/**
 * AvgPool (linear: the tangent is average-pooled) and MaxPool (the tangent at each window's argmax,
 * the first maximum in row-major window order, as tfjs's MaxPool gradient picks it). MaxPool uses
 * forward ops only (strided slices over the window offsets), so it runs on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fold, isDual, unfold } from './dual';

interface PoolParams {
  kernel: [number, number];
  strides: [number, number];
  pad: 'valid' | 'same';
}

function poolParams(attrs: Record<string, unknown>): PoolParams {
  const ksize = attrs.kernelSize as number[];
  const strides = attrs.strides as number[];
  return { kernel: [ksize[1], ksize[2]], strides: [strides[1], strides[2]], pad: attrs.pad as 'valid' | 'same' };
}

export const avgPoolRule: OpRule = {
  op: 'AvgPool',
  jvp: ({ inputs, attrs }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('AvgPool rule called without a dual input');
    const p = poolParams(attrs);
    const pool = (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, p.kernel, p.strides, p.pad);
    return [{ primal: pool(x.primal), tangent: pool(x.tangent) }];
  },
};

/** Output size and leading padding of one spatial axis (TF's 'SAME'/'VALID' arithmetic). */
function axisGeometry(
  size: number,
  kernel: number,
  stride: number,
  pad: 'valid' | 'same',
): { out: number; before: number; after: number } {
  if (pad === 'valid') return { out: Math.ceil((size - kernel + 1) / stride), before: 0, after: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

export const maxPoolRule: OpRule = {
  op: 'MaxPool',
  jvp: ({ inputs, attrs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('MaxPool rule called without a dual input');
    const p = poolParams(attrs);
    const y = tf.maxPool(x.primal as tf.Tensor4D, p.kernel, p.strides, p.pad);
    const tangent = tf.tidy(() => {
      const [n, h, w, c] = x.primal.shape;
      const gh = axisGeometry(h, p.kernel[0], p.strides[0], p.pad);
      const gw = axisGeometry(w, p.kernel[1], p.strides[1], p.pad);
      const pads: Array<[number, number]> = [
        [0, 0],
        [gh.before, gh.after],
        [gw.before, gw.after],
        [0, 0],
      ];
      const xPad = tf.pad(x.primal, pads, -Infinity); // padding never wins the max
      const tPad = unfold(tf.pad(x.tangent, pads), k, [n, h + gh.before + gh.after, w + gw.before + gw.after, c]);
      let taken = tf.zerosLike(y).cast('bool');
      let sum: tf.Tensor = tf.zeros([k, ...y.shape]);
      for (let i = 0; i < p.kernel[0]; i++) {
        for (let j = 0; j < p.kernel[1]; j++) {
          const end = [i + (gh.out - 1) * p.strides[0] + 1, j + (gw.out - 1) * p.strides[1] + 1];
          const candidate = tf.stridedSlice(
            xPad,
            [0, i, j, 0],
            [n, end[0], end[1], c],
            [1, p.strides[0], p.strides[1], 1],
          );
          const hit = tf.logicalAnd(tf.equal(candidate, y), tf.logicalNot(taken));
          taken = tf.logicalOr(taken, hit);
          const tSlice = tf.stridedSlice(
            tPad,
            [0, 0, i, j, 0],
            [k, n, end[0], end[1], c],
            [1, 1, p.strides[0], p.strides[1], 1],
          );
          sum = tf.add(sum, tf.mul(tSlice, tf.cast(hit, 'float32')));
        }
      }
      return fold(sum);
    });
    return [{ primal: y, tangent }];
  },
};
