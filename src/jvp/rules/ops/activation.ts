/**
 * Derivatives of the activations that converted graphs use, as standalone ops (Relu, Elu, ...) and
 * fused into _FusedConv2D / FusedDepthwiseConv2dNative / _FusedMatMul. Not a rule; registers nothing.
 *
 * Fused ops return only y = act(pre). Rather than recompute `pre` (a second convolution, and on wasm
 * not bit-identical to the fused kernel), the derivative is read from y wherever y determines it:
 * relu/relu6/elu/sigmoid and leakyrelu with α > 0. Only prelu (and leakyrelu with α ≤ 0) needs `pre`.
 * At kinks (pre exactly 0 or 6) the derivative taken is 0, a measure-zero choice.
 */
import * as tf from '@tensorflow/tfjs';

/** SELU constants, as in tfjs-core/src/ops/selu_util.ts. */
export const SELU_SCALE = 1.0507009873554805; // 1.0507009873554804934193349852946 rounded to float64
export const SELU_SCALEALPHA = 1.7580993408473768; // 1.7580993408473768599402175208123 rounded to float64

export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'sigmoid' | 'prelu';
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'leakyrelu',
  'sigmoid',
  'prelu',
];

/**
 * act'(pre) as a float32 tensor of y's shape, or undefined for the identity ('linear').
 * `pre` is called only for prelu and leakyrelu with α ≤ 0.
 */
export function fusedActivationDerivative(
  activation: FusedActivation,
  y: tf.Tensor,
  opts: { pre?: () => tf.Tensor; alpha?: number; preluWeights?: tf.Tensor } = {},
): tf.Tensor | undefined {
  switch (activation) {
    case 'linear':
      return undefined;
    case 'relu':
      return tf.cast(tf.greater(y, 0), 'float32');
    case 'relu6':
      return tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32');
    case 'elu': // y > 0 ⇔ pre > 0; below, elu' = e^pre = y + 1
      return tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1));
    case 'sigmoid':
      return tf.mul(y, tf.sub(1, y));
    case 'leakyrelu': {
      const alpha = opts.alpha ?? 0.2;
      const positive = alpha > 0 ? tf.greater(y, 0) : tf.greater(opts.pre!(), 0);
      return tf.where(positive, tf.onesLike(y), tf.fill(y.shape, alpha));
    }
    case 'prelu': {
      const pre = opts.pre!();
      return tf.where(tf.greater(pre, 0), tf.onesLike(y), tf.mul(tf.onesLike(y), opts.preluWeights!));
    }
  }
}
