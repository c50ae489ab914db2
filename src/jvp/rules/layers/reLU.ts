import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** ReLU layer, optionally capped at maxValue: ẏ = [0 < x < maxValue] ẋ. */
export const reLURule: LayerRule = {
  className: 'ReLU',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const x = inputs[0].primal;
      const maxValue = fieldOf<number | null | undefined>(layer, 'maxValue');
      let open = tf.greater(x, 0);
      if (maxValue != null) open = tf.logicalAnd(open, tf.less(x, maxValue));
      return { primal: layer.apply(x) as tf.Tensor, tangent: mulTiled(inputs[0].tangent, tf.cast(open, 'float32'), k) };
    }),
};
