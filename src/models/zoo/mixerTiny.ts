import * as tf from '@tensorflow/tfjs';
import { mlpBlock, patchEmbedding } from './patchEmbedding';
import { logitsAndSoftmax, seededInit, type ZooBuildOptions } from './seeds';

export interface MixerOptions extends ZooBuildOptions {
  patch?: number;
  dim?: number;
  depth?: number;
  tokenMlpDim?: number;
  channelMlpDim?: number;
}

type T = tf.SymbolicTensor;

/**
 * Tiny MLP-Mixer (Tolstikhin et al. 2021): 4×4 patches → 49 tokens of dim 32, `depth` blocks of
 * [LN → transpose → token MLP (GELU) → transpose → +] [LN → channel MLP (GELU) → +], final LN,
 * global average over tokens → logits → softmax. Only standard tfjs layers (Permute, Dense, …).
 */
export function buildMixerTiny({
  seed = 0,
  inputShape = [28, 28, 3],
  numClasses = 10,
  patch = 4,
  dim = 32,
  depth = 2,
  tokenMlpDim = 64,
  channelMlpDim = 64,
}: MixerOptions = {}): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = patchEmbedding(input, patch, dim, init);
  const tokens = x.shape[1] as number;
  for (let i = 1; i <= depth; i++) {
    let t = tf.layers.layerNormalization({ name: `block${i}_ln1` }).apply(x) as T;
    t = tf.layers.permute({ dims: [2, 1], name: `block${i}_to_channels` }).apply(t) as T;
    t = mlpBlock(t, tokenMlpDim, tokens, init, `block${i}_token_mlp`);
    t = tf.layers.permute({ dims: [2, 1], name: `block${i}_to_tokens` }).apply(t) as T;
    x = tf.layers.add({ name: `block${i}_add1` }).apply([x, t]) as T;
    const c = tf.layers.layerNormalization({ name: `block${i}_ln2` }).apply(x) as T;
    x = tf.layers
      .add({ name: `block${i}_add2` })
      .apply([x, mlpBlock(c, channelMlpDim, dim, init, `block${i}_channel_mlp`)]) as T;
  }
  x = tf.layers.layerNormalization({ name: 'final_ln' }).apply(x) as T;
  x = tf.layers.globalAveragePooling1d({ name: 'gap' }).apply(x) as T;
  return tf.model({ inputs: input, outputs: logitsAndSoftmax(x, numClasses, init), name: 'mixer-tiny' });
}
