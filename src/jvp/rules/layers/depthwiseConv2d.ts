import * as tf from '@tensorflow/tfjs';
import { affineRule, fieldOf, weightOf } from '../../affine';

/**
 * DepthwiseConv2D: y = act(dwconv(x, W) + b) ⇒ ẏ = act'(z) ⊙ dwconv(ẋ, W). The primal is computed
 * as tfjs-layers 4.22's own call computes it, so that it equals `predict` bit for bit on every
 * backend: the convolution without its bias, then the bias added, then the activation. (A fused
 * kernel with the bias inside rounds otherwise on wasm — XNNPACK starts the accumulator at the
 * bias — which moved ~half the outputs of a layer by an ulp.) tfjs-layers ignores the layer's
 * dilationRate in its call, so this rule does too.
 */
export const depthwiseConv2dRule = affineRule('DepthwiseConv2D', (layer, x, bias) => {
  const y = tf.depthwiseConv2d(
    x as tf.Tensor4D,
    weightOf(layer, 'depthwiseKernel') as tf.Tensor4D,
    fieldOf<[number, number]>(layer, 'strides'),
    fieldOf<string>(layer, 'padding') === 'same' ? 'same' : 'valid',
    'NHWC',
  );
  if (!bias) return y;
  const out = tf.add(y, bias);
  y.dispose();
  return out;
});
