/**
 * Softmax over the last axis: ẏ = s ⊙ (v − ⟨s, v⟩) (DESIGN §4); LogSoftmax: ẏ = v − ⟨s, v⟩.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { fold, isDual, unfold } from './dual';

export const softmaxRule: OpRule = {
  op: 'Softmax',
  jvp: ({ inputs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('Softmax rule called without a dual input');
    const s = tf.softmax(x.primal);
    const tangent = tf.tidy(() => {
      const sv = tf.mul(s, unfold(x.tangent, k, x.primal.shape)); // [k, ...shape]
      return fold(tf.sub(sv, tf.mul(s, tf.sum(sv, -1, true))));
    });
    return [{ primal: s, tangent }];
  },
};

export const logSoftmaxRule: OpRule = {
  op: 'LogSoftmax',
  jvp: ({ inputs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('LogSoftmax rule called without a dual input');
    const y = tf.logSoftmax(x.primal);
    const tangent = tf.tidy(() => {
      const v = unfold(x.tangent, k, x.primal.shape);
      return fold(tf.sub(v, tf.sum(tf.mul(tf.exp(y), v), -1, true)));
    });
    return [{ primal: y, tangent }];
  },
};
