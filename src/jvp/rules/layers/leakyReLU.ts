import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** LeakyReLU: y = x (x > 0), αx otherwise ⇒ ẏ = (x > 0 ? 1 : α) ẋ. */
export const leakyReLURule: LayerRule = {
  className: 'LeakyReLU',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const alpha = fieldOf<number>(layer, 'alpha');
      const slope = tf.where(tf.greater(x, 0), tf.onesLike(x), tf.fill(x.shape, alpha));
      return { primal: layer.apply(x) as tf.Tensor, tangent: mulTiled(inputs[0].tangent, slope, k) };
    }),
};
