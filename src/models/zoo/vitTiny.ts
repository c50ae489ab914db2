import * as tf from '@tensorflow/tfjs';
import { ClassToken, ClassTokenPool, MultiHeadSelfAttention, PositionEmbedding } from '../layers';
import { mlpBlock, patchEmbedding } from './patchEmbedding';
import { logitsAndSoftmax, seededInit, type ZooBuildOptions } from './seeds';

export interface VitOptions extends ZooBuildOptions {
  patch?: number;
  dim?: number;
  depth?: number;
  numHeads?: number;
  mlpDim?: number;
}

type T = tf.SymbolicTensor;

/**
 * Tiny ViT (Dosovitskiy et al. 2021): 4×4 patches → 49 tokens of dim 32, class token first, learned
 * position embedding, `depth` pre-norm blocks [LN → MHSA (4 heads) → +] [LN → MLP (GELU) → +],
 * final LN, class token → logits → softmax. Tokens are [B, 1 + h·w, C] throughout.
 */
export function buildVitTiny({
  seed = 0,
  inputShape = [28, 28, 3],
  numClasses = 10,
  patch = 4,
  dim = 32,
  depth = 2,
  numHeads = 4,
  mlpDim = 64,
}: VitOptions = {}): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = patchEmbedding(input, patch, dim, init);
  x = new ClassToken({ seed: init.seed(), name: 'class_token' }).apply(x) as T;
  x = new PositionEmbedding({ seed: init.seed(), name: 'pos_embed' }).apply(x) as T;
  for (let i = 1; i <= depth; i++) {
    const a = tf.layers.layerNormalization({ name: `block${i}_ln1` }).apply(x) as T;
    const attn = new MultiHeadSelfAttention({ numHeads, seed: init.seed(), name: `block${i}_attn` }).apply(a) as T;
    x = tf.layers.add({ name: `block${i}_add1` }).apply([x, attn]) as T;
    const m = tf.layers.layerNormalization({ name: `block${i}_ln2` }).apply(x) as T;
    x = tf.layers.add({ name: `block${i}_add2` }).apply([x, mlpBlock(m, mlpDim, dim, init, `block${i}_mlp`)]) as T;
  }
  x = tf.layers.layerNormalization({ name: 'final_ln' }).apply(x) as T;
  x = new ClassTokenPool({ name: 'class_token_out' }).apply(x) as T;
  return tf.model({ inputs: input, outputs: logitsAndSoftmax(x, numClasses, init), name: 'vit-tiny' });
}
