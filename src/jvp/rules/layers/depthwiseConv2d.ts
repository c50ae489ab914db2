import * as tf from '@tensorflow/tfjs';
import { affineRule, fieldOf, weightOf } from '../../affine';

/**
 * DepthwiseConv2D: y = act(dwconv(x, W) + b) ⇒ ẏ = act'(z) ⊙ dwconv(ẋ, W). tfjs-layers 4.22 ignores
 * the layer's dilationRate in its own call, so this rule does too (the primal must equal predict).
 */
export const depthwiseConv2dRule = affineRule(
  'DepthwiseConv2D',
  (layer, x, bias, activation) =>
    tf.fused.depthwiseConv2d({
      x: x as tf.Tensor4D,
      filter: weightOf(layer, 'depthwiseKernel') as tf.Tensor4D,
      strides: fieldOf<[number, number]>(layer, 'strides'),
      pad: fieldOf<string>(layer, 'padding') === 'same' ? 'same' : 'valid',
      dataFormat: 'NHWC',
      bias: bias ?? undefined,
      activation,
    }),
  { fusesRelu: true },
);
