import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** ThresholdedReLU: y = x [x > θ] ⇒ ẏ = [x > θ] ẋ. */
export const thresholdedReLURule: LayerRule = {
  className: 'ThresholdedReLU',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const open = tf.cast(tf.greater(x, fieldOf<number>(layer, 'theta')), 'float32');
      return { primal: layer.apply(x) as tf.Tensor, tangent: mulTiled(inputs[0].tangent, open, k) };
    }),
};
