import * as tf from '@tensorflow/tfjs';

/**
 * Second-order gradient of EluGrad (missing in tfjs 4.22). EluGrad(dy, y) = dy ⊙ (y > 0 ? 1 : y + 1):
 * ∂/∂dy multiplies by the same factor; ∂/∂y = dy ⊙ [y ≤ 0].
 */
export const eluGradGradConfig: tf.GradConfig = {
  kernelName: 'EluGrad',
  inputsToSave: ['dy', 'y'],
  gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [dy, y] = saved;
    const g = ddx as tf.Tensor;
    const positive = tf.greater(y, 0);
    return {
      dy: () => tf.mul(g, tf.where(positive, tf.onesLike(y), tf.add(y, 1))),
      y: () => tf.mul(g, tf.mul(dy, tf.cast(tf.logicalNot(positive), 'float32'))),
    };
  },
};
