import * as tf from '@tensorflow/tfjs';
import { activationName } from '../../activations';
import { affineRule, weightOf } from '../../affine';

/**
 * tfjs-layers 4.22's Dense puts the bias inside the fused matmul only for the activations its
 * kernels fuse (mapActivationToFusedKernel); for the others it multiplies, then adds the bias.
 * On wasm the two round differently, and the primal must be `predict`'s bit for bit.
 */
const FUSED_BY_TFJS_LAYERS = new Set(['linear', 'relu', 'elu']);

/** Dense on the last axis (any rank): y = act(x W + b) ⇒ ẏ = act'(z) ⊙ (ẋ W). */
export const denseRule = affineRule(
  'Dense',
  (layer, x, bias, activation) => {
    const kernel = weightOf(layer, 'kernel') as tf.Tensor2D;
    const flat = (x.rank === 2 ? x : x.reshape([-1, kernel.shape[0]])) as tf.Tensor2D;
    const fuseBias = bias !== null && FUSED_BY_TFJS_LAYERS.has(activationName(layer));
    let y: tf.Tensor = tf.fused.matMul({ a: flat, b: kernel, bias: fuseBias ? bias : undefined, activation });
    if (bias && !fuseBias) {
      const product = y;
      y = tf.add(product, bias);
      product.dispose();
    }
    return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), kernel.shape[1]]);
  },
  { fusesRelu: true },
);
