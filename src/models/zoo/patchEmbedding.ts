import * as tf from '@tensorflow/tfjs';
import type { seededInit } from './seeds';

/**
 * Patch embedding shared by ViT and MLP-Mixer: a p×p conv with stride p, then the h×w grid of
 * patches flattened row-major into N = h·w tokens [B, N, dim] (so tokens reshape back to an image).
 */
export function patchEmbedding(
  input: tf.SymbolicTensor,
  patch: number,
  dim: number,
  init: ReturnType<typeof seededInit>,
): tf.SymbolicTensor {
  const [, h, w] = input.shape as number[];
  const grid = tf.layers
    .conv2d({
      filters: dim,
      kernelSize: patch,
      strides: patch,
      padding: 'valid',
      kernelInitializer: init.kernel(),
      name: 'patch_embed',
    })
    .apply(input) as tf.SymbolicTensor;
  return tf.layers
    .reshape({ targetShape: [Math.floor(h / patch) * Math.floor(w / patch), dim], name: 'patch_tokens' })
    .apply(grid) as tf.SymbolicTensor;
}

/** Dense(hidden, gelu) → Dense(out) on the last axis: the transformer/mixer MLP. */
export function mlpBlock(
  x: tf.SymbolicTensor,
  hidden: number,
  out: number,
  init: ReturnType<typeof seededInit>,
  name: string,
): tf.SymbolicTensor {
  const h = tf.layers
    .dense({ units: hidden, activation: 'gelu', kernelInitializer: init.kernel(), name: `${name}_fc1` })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers
    .dense({ units: out, kernelInitializer: init.kernel(), name: `${name}_fc2` })
    .apply(h) as tf.SymbolicTensor;
}
