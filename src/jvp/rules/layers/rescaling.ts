import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import type { LayerRule } from '../../types';

/** Rescaling: y = x·scale + offset ⇒ ẏ = ẋ·scale (the offset never reaches the tangent). */
export const rescalingRule: LayerRule = {
  className: 'Rescaling',
  jvp: ({ layer, inputs }) =>
    tf.tidy(() => ({
      primal: layer.apply(inputs[0].primal) as tf.Tensor,
      tangent: tf.mul(inputs[0].tangent, fieldOf<number>(layer, 'scale')),
    })),
};
