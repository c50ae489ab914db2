import * as tf from '@tensorflow/tfjs';
import { affineRule, fieldOf, weightOf } from '../../affine';

/** SeparableConv2D: depthwise then pointwise convolution, both linear; bias and activation after. */
export const separableConv2dRule = affineRule('SeparableConv2D', (layer, x, bias) => {
  const y = tf.separableConv2d(
    x as tf.Tensor4D,
    weightOf(layer, 'depthwiseKernel') as tf.Tensor4D,
    weightOf(layer, 'pointwiseKernel') as tf.Tensor4D,
    fieldOf<[number, number]>(layer, 'strides'),
    fieldOf<'same' | 'valid'>(layer, 'padding'),
    fieldOf<[number, number]>(layer, 'dilationRate'),
    'NHWC',
  );
  return bias ? tf.add(y, bias) : y;
});
