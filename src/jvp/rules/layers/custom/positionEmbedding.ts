import type * as tf from '@tensorflow/tfjs';
import type { LayerRule } from '../../../types';

/** PositionEmbedding: y = x + E with E a constant of the input, so ẏ = ẋ (the tangent passes through). */
export const positionEmbeddingRule: LayerRule = {
  className: 'PositionEmbedding',
  jvp: ({ layer, inputs }) => ({
    primal: layer.apply(inputs[0].primal) as tf.Tensor,
    tangent: inputs[0].tangent.clone(),
  }),
};
