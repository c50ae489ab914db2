import * as tf from '@tensorflow/tfjs';

/**
 * A small functional model with branches, a residual Add, a Concatenate, batch norm, depthwise and
 * separable convolutions, max and average pooling and a nested Sequential block — the graph
 * features the JVP walker must handle. `smooth` swaps ReLU-type activations for smooth ones so
 * finite differences are exact up to O(h²) (no kinks), and its max-pool becomes an average pool.
 */
export function buildResidualNet({ smooth = false, softmax = false, size = 16 } = {}): tf.LayersModel {
  const act = (smooth ? 'swish' : 'relu') as 'relu';
  const init = { biasInitializer: 'randomNormal' as const };
  const input = tf.input({ shape: [size, size, 3], name: 'image' });
  const stem = tf.layers
    .conv2d({ name: 'stem', filters: 8, kernelSize: 3, padding: 'same', activation: act, ...init })
    .apply(input) as tf.SymbolicTensor;
  const bn = tf.layers
    .batchNormalization({
      name: 'bn',
      movingMeanInitializer: 'randomNormal',
      movingVarianceInitializer: 'ones',
      gammaInitializer: 'randomNormal',
    })
    .apply(stem) as tf.SymbolicTensor;
  const dw = tf.layers
    .depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', activation: smooth ? 'tanh' : 'relu6', ...init })
    .apply(bn) as tf.SymbolicTensor;
  const res = tf.layers.add({ name: 'residual' }).apply([bn, dw]) as tf.SymbolicTensor;
  const block = tf.sequential({
    name: 'block',
    layers: [
      tf.layers.separableConv2d({
        inputShape: [size, size, 8],
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: smooth ? 'elu' : 'relu',
        ...init,
      }),
      // Max-pool's ties make finite differences unreliable; the smooth variant (an FD oracle) averages.
      smooth ? tf.layers.averagePooling2d({ poolSize: 2 }) : tf.layers.maxPooling2d({ poolSize: 2 }),
    ],
  });
  const a = block.apply(res) as tf.SymbolicTensor;
  const b = tf.layers.averagePooling2d({ name: 'avg', poolSize: 2 }).apply(res) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor;
  const feat = tf.layers
    .conv2d({ name: 'features', filters: 8, kernelSize: 3, strides: 2, padding: 'valid', activation: act, ...init })
    .apply(cat) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(feat) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ name: 'head', units: 5, activation: softmax ? 'softmax' : 'linear', ...init })
    .apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'residual_net' });
}
