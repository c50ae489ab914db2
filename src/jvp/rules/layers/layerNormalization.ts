import * as tf from '@tensorflow/tfjs';
import { fieldOf, weightOf } from '../../affine';
import type { LayerRule } from '../../types';

/**
 * LayerNormalization over its axes: with x̂ = (x − μ)/σ, σ = √(var + ε),
 * ẏ = γ ⊙ (ẋ − ⟨ẋ⟩ − x̂ ⟨x̂ ⊙ ẋ⟩)/σ, means over the normalized axes.
 */
export const layerNormalizationRule: LayerRule = {
  className: 'LayerNormalization',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const field = fieldOf<number | number[]>(layer, 'axis');
      const axes = (Array.isArray(field) ? field : [field]).map((a) => (a < 0 ? x.rank + a : a));
      const { mean, variance } = tf.moments(x, axes, true);
      const invStd = tf.rsqrt(tf.add(variance, fieldOf<number>(layer, 'epsilon')));
      const xhat = tf.mul(tf.sub(x, mean), invStd);
      const vk = inputs[0].tangent.reshape([k, ...x.shape]);
      const kAxes = axes.map((a) => a + 1);
      const centred = tf.sub(vk, tf.mean(vk, kAxes, true));
      const dxhat = tf.mul(tf.sub(centred, tf.mul(xhat, tf.mean(tf.mul(xhat, vk), kAxes, true))), invStd);
      let tangent = dxhat;
      const gamma = fieldOf<boolean>(layer, 'scale') !== false ? weightOf(layer, 'gamma') : null;
      if (gamma) {
        const shape = new Array(x.rank).fill(1);
        for (const a of axes) shape[a] = x.shape[a];
        tangent = tf.mul(tangent, gamma.reshape(shape));
      }
      return { primal: layer.apply(x) as tf.Tensor, tangent: tangent.reshape(inputs[0].tangent.shape) };
    }),
};
