import * as tf from '@tensorflow/tfjs';
import { affineRule, fieldOf, weightOf } from '../../affine';

/** Conv2D: y = act(conv(x, W) + b) ⇒ ẏ = act'(z) ⊙ conv(ẋ, W); any stride, padding, dilation. */
export const conv2dRule = affineRule(
  'Conv2D',
  (layer, x, bias, activation) =>
    tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: weightOf(layer, 'kernel') as tf.Tensor4D,
      strides: fieldOf<[number, number]>(layer, 'strides'),
      pad: fieldOf<'same' | 'valid'>(layer, 'padding'),
      dataFormat: 'NHWC',
      dilations: fieldOf<[number, number]>(layer, 'dilationRate'),
      bias: bias ?? undefined,
      activation,
    }),
  { fusesRelu: true },
);
