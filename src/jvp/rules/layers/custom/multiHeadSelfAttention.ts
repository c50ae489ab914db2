import * as tf from '@tensorflow/tfjs';
import {
  attentionWeights,
  mergeHeads,
  type MultiHeadSelfAttention,
  outputProjection,
  qkvHeads,
} from '../../../../models/layers/multiHeadSelfAttention';
import { tidyDual, tileBatch } from '../../../tile';
import type { LayerRule } from '../../../types';

/**
 * Multi-head self-attention, by the product rule through y = merge(A v) Wo + bo with
 * A = softmax(s), s = q kᵀ/√d and q, k, v linear in x:
 *   q̇, k̇, v̇ = the projections of ẋ without bias,
 *   ṡ = (q̇ kᵀ + q k̇ᵀ)/√d,   Ȧ = A ⊙ (ṡ − Σ_keys A ⊙ ṡ)   (softmax JVP, row-wise),
 *   ẏ = merge(Ȧ v + A v̇) Wo   (the biases never reach the tangent).
 * Primal factors q, k, v, A are tiled to the k stacked directions ([k·B·h, …], direction-major).
 */
export const multiHeadSelfAttentionRule: LayerRule = {
  className: 'MultiHeadSelfAttention',
  jvp: ({ layer, inputs, k }) =>
    tidyDual(() => {
      const mhsa = layer as MultiHeadSelfAttention;
      const x = inputs[0].primal as tf.Tensor3D;
      const xDot = inputs[0].tangent as tf.Tensor3D;
      const { q, k: key, v } = qkvHeads(mhsa, x, true);
      const a = attentionWeights(q, key);
      const primal = outputProjection(mhsa, mergeHeads(tf.matMul(a, v), mhsa.numHeads), true);

      const dot = qkvHeads(mhsa, xDot, false);
      const [qT, kT, vT, aT] = [q, key, v, a].map((t) => tileBatch(t, k) as tf.Tensor3D);
      const sDot = tf
        .add(tf.matMul(dot.q, kT, false, true), tf.matMul(qT, dot.k, false, true))
        .div(Math.sqrt(q.shape[2]));
      const aDot = tf.mul(aT, tf.sub(sDot, tf.sum(tf.mul(aT, sDot), -1, true))) as tf.Tensor3D;
      const oDot = tf.add(tf.matMul(aDot, vT), tf.matMul(aT, dot.v)) as tf.Tensor3D;
      return { primal, tangent: outputProjection(mhsa, mergeHeads(oDot, mhsa.numHeads), false) };
    }),
};
