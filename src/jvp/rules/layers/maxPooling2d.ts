import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { maxPoolTangent } from '../../maxPoolTangent';
import type { LayerRule } from '../../types';

/** MaxPooling2D: the tangent is gathered at each window's argmax (src/jvp/maxPoolTangent.ts). */
export const maxPooling2dRule: LayerRule = {
  className: 'MaxPooling2D',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const channelsFirst = fieldOf<string>(layer, 'dataFormat') === 'channelsFirst';
      const toLast = (t: tf.Tensor) => (channelsFirst ? tf.transpose(t, [0, 2, 3, 1]) : t) as tf.Tensor4D;
      const tangent = maxPoolTangent(
        toLast(inputs[0].primal),
        toLast(inputs[0].tangent),
        k,
        fieldOf<[number, number]>(layer, 'poolSize'),
        fieldOf<[number, number]>(layer, 'strides'),
        fieldOf<'same' | 'valid'>(layer, 'padding'),
      );
      return {
        primal: layer.apply(inputs[0].primal) as tf.Tensor,
        tangent: channelsFirst ? tf.transpose(tangent, [0, 3, 1, 2]) : tangent,
      };
    }),
};
