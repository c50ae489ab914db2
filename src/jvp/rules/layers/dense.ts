import * as tf from '@tensorflow/tfjs';
import { affineRule, weightOf } from '../../affine';

/** Dense on the last axis (any rank): y = act(x W + b) ⇒ ẏ = act'(z) ⊙ (ẋ W). */
export const denseRule = affineRule(
  'Dense',
  (layer, x, bias, activation) => {
    const kernel = weightOf(layer, 'kernel') as tf.Tensor2D;
    const flat = (x.rank === 2 ? x : x.reshape([-1, kernel.shape[0]])) as tf.Tensor2D;
    const y = tf.fused.matMul({ a: flat, b: kernel, bias: bias ?? undefined, activation });
    return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), kernel.shape[1]]);
  },
  { fusesRelu: true },
);
