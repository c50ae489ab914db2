import type * as tf from '@tensorflow/tfjs';

/**
 * The same layer with a linear activation (reads every other field from the layer itself): the
 * pre-activation of a fused Conv2D/Dense(activation: ...) — the logits of a fused softmax, or the
 * linear half of a layer the layer-wise table splits in two.
 */
export function withoutActivation(layer: tf.layers.Layer): tf.layers.Layer {
  const linear = { getClassName: () => 'linear', apply: (x: tf.Tensor) => x };
  return Object.create(layer, { activation: { value: linear } }) as tf.layers.Layer;
}
