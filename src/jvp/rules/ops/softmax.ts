/**
 * Softmax over the last axis: ẏ = s ⊙ (v − ⟨s, v⟩) (DESIGN §4); LogSoftmax: ẏ = v − ⟨s, v⟩.
 * Both through the one softmaxTangent (src/jvp/activations.ts), which avoids cancellation.
 */
import * as tf from '@tensorflow/tfjs';
import type { OpRule } from '../../types';
import { softmaxTangent } from '../../activations';
import { isDual } from './dual';

export const softmaxRule: OpRule = {
  op: 'Softmax',
  jvp: ({ inputs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('Softmax rule called without a dual input');
    const s = tf.softmax(x.primal);
    return [{ primal: s, tangent: softmaxTangent(s, x.tangent, k) }];
  },
};

export const logSoftmaxRule: OpRule = {
  op: 'LogSoftmax',
  jvp: ({ inputs, k }) => {
    const x = inputs[0];
    if (!isDual(x)) throw new Error('LogSoftmax rule called without a dual input');
    const y = tf.logSoftmax(x.primal);
    const tangent = tf.tidy(() => softmaxTangent(tf.exp(y), x.tangent, k, true));
    return [{ primal: y, tangent }];
  },
};
