import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** ELU layer: y = x (x > 0), α(eˣ − 1) otherwise ⇒ ẏ = (x > 0 ? 1 : y + α) ẋ. */
export const eluRule: LayerRule = {
  className: 'ELU',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const y = layer.apply(x) as tf.Tensor;
      const alpha = fieldOf<number>(layer, 'alpha') ?? 1;
      const slope = tf.where(tf.greater(x, 0), tf.onesLike(x), tf.add(y, alpha));
      return { primal: y, tangent: mulTiled(inputs[0].tangent, slope, k) };
    }),
};
