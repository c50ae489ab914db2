import * as tf from '@tensorflow/tfjs';
import { tidyDual } from '../../../tile';
import type { LayerRule } from '../../../types';

/**
 * ClassToken: y = [token; x] along the token axis. The learned token does not depend on the input,
 * so its tangent is zero: ẏ = [0; ẋ] ([k·B, N + 1, C]).
 */
export const classTokenRule: LayerRule = {
  className: 'ClassToken',
  jvp: ({ layer, inputs }) =>
    tidyDual(() => {
      const { primal, tangent } = inputs[0];
      const [kb, , c] = tangent.shape;
      return { primal: layer.apply(primal) as tf.Tensor, tangent: tf.concat([tf.zeros([kb, 1, c]), tangent], 1) };
    }),
};
