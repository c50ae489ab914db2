import * as tf from '@tensorflow/tfjs';

/**
 * Second-order gradient of AvgPoolGrad (missing in tfjs 4.22), for method 'double-vjp'.
 * AvgPoolGrad(dy, x) is the adjoint of average pooling, linear in dy: its gradient with respect to
 * dy is average pooling of ddx, and it does not depend on x's values.
 */
export const avgPoolGradGradConfig: tf.GradConfig = {
  kernelName: 'AvgPoolGrad',
  inputsToSave: ['input'],
  gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [input] = saved;
    const { filterSize, strides, pad } = attrs as {
      filterSize: [number, number];
      strides: [number, number];
      pad: 'same' | 'valid' | number;
    };
    return {
      dy: () => tf.avgPool(ddx as tf.Tensor4D, filterSize, strides, pad),
      input: () => tf.zerosLike(input),
    };
  },
};
