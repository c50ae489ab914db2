import * as tf from '@tensorflow/tfjs';
import { weightOf } from '../../affine';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** PReLU with learned α (broadcast as in the layer): ẏ = (x > 0 ? 1 : α) ẋ. */
export const pReLURule: LayerRule = {
  className: 'PReLU',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const alpha = tf.broadcastTo(weightOf(layer, 'alpha') as tf.Tensor, x.shape);
      const slope = tf.where(tf.greater(x, 0), tf.onesLike(x), alpha);
      return { primal: layer.apply(x) as tf.Tensor, tangent: mulTiled(inputs[0].tangent, slope, k) };
    }),
};
