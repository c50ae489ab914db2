import * as tf from '@tensorflow/tfjs';
import { maxPoolTangent } from '../maxPoolTangent';

/**
 * Second-order gradient of MaxPoolGrad (missing in tfjs 4.22), for method 'double-vjp'.
 * MaxPoolGrad(dy, x, y) scatters dy to each window's argmax; it is linear in dy, so its gradient
 * with respect to dy gathers ddx at the argmax — the forward max-pool tangent. The argmax is
 * piecewise constant in x and y, so those gradients are zero.
 */
export const maxPoolGradGradConfig: tf.GradConfig = {
  kernelName: 'MaxPoolGrad',
  inputsToSave: ['dy', 'input', 'output'],
  gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [, input, output] = saved as tf.Tensor4D[];
    const { filterSize, strides, pad } = attrs as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'same' | 'valid' | number;
    };
    const pair = (n: number | [number, number]): [number, number] => (Array.isArray(n) ? n : [n, n]);
    return {
      dy: () => maxPoolTangent(input, ddx as tf.Tensor4D, 1, pair(filterSize), pair(strides), pad),
      input: () => tf.zerosLike(input),
      output: () => tf.zerosLike(output),
    };
  },
};
