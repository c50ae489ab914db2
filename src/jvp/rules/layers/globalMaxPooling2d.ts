import * as tf from '@tensorflow/tfjs';
import { fieldOf } from '../../affine';
import { mulTiled } from '../../tile';
import type { LayerRule } from '../../types';

/** GlobalMaxPooling2D: per image and channel, the tangent at the spatial argmax (first maximum). */
export const globalMaxPooling2dRule: LayerRule = {
  className: 'GlobalMaxPooling2D',
  jvp: ({ layer, inputs, k }) =>
    tf.tidy(() => {
      let x = inputs[0].primal;
      let v = inputs[0].tangent;
      if (fieldOf<string>(layer, 'dataFormat') === 'channelsFirst') {
        x = tf.transpose(x, [0, 2, 3, 1]);
        v = tf.transpose(v, [0, 2, 3, 1]);
      }
      const [B, H, W, C] = x.shape;
      const flat = x.reshape([B, H * W, C]);
      const onehot = tf.cast(tf.transpose(tf.oneHot(tf.argMax(flat, 1), H * W), [0, 2, 1]), 'float32'); // [B, HW, C]
      const picked = mulTiled(v.reshape([v.shape[0], H * W, C]), onehot, k);
      return { primal: layer.apply(inputs[0].primal) as tf.Tensor, tangent: tf.sum(picked, 1) };
    }),
};
