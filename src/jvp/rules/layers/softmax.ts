import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { softmaxTangent } from '../../activations';
import type { LayerRule } from '../../types';

/** Softmax layer along its axis: ẏ = s ⊙ (ẋ − ⟨s, ẋ⟩). */
export const softmaxRule: LayerRule = {
  className: 'Softmax',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      const axisField = fieldOf<number | number[] | undefined>(layer, 'axis');
      const axis = Array.isArray(axisField) ? axisField[0] : (axisField ?? -1);
      const s = layer.apply(inputs[0].primal) as tf.Tensor;
      return { primal: s, tangent: softmaxTangent(s, inputs[0].tangent, k, false, axis) };
    }),
};
