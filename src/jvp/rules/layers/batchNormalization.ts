import * as tf from '@tensorflow/tfjs';
import { fieldOf, weightOf } from '../../affine';
import type { LayerRule } from '../../types';

/** BatchNormalization at inference: y = γ (x − μ)/√(σ² + ε) + β ⇒ ẏ = ẋ · γ/√(σ² + ε) on its axis. */
export const batchNormalizationRule: LayerRule = {
  className: 'BatchNormalization',
  jvp: ({ layer, inputs }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const gamma = weightOf(layer, 'gamma');
      let factor = tf.rsqrt(tf.add(weightOf(layer, 'movingVariance') as tf.Tensor, fieldOf<number>(layer, 'epsilon')));
      if (gamma && fieldOf<boolean>(layer, 'scale') !== false) factor = tf.mul(factor, gamma);
      const axisField = fieldOf<number | number[]>(layer, 'axis');
      const axis = (Array.isArray(axisField) ? axisField[0] : axisField) ?? -1;
      const ax = axis < 0 ? x.rank + axis : axis;
      if (ax !== x.rank - 1) {
        const shape = new Array(x.rank).fill(1);
        shape[ax] = x.shape[ax];
        factor = factor.reshape(shape);
      }
      return { primal: layer.apply(x, { training: false }) as tf.Tensor, tangent: tf.mul(inputs[0].tangent, factor) };
    }),
};
