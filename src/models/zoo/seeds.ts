import * as tf from '@tensorflow/tfjs';

/**
 * Seeded initializers for one model: each call of `kernel()` gets the next seed, so a model built
 * twice from the same seed has identical weights (tfjs initializers are unseeded by default).
 */
export function seededInit(seed: number) {
  let next = seed * 1000;
  // tfjs's random ops treat a seed of 0 as "no seed" (`seed ? seed : Math.random()`), so model
  // seed 0's first initializer was unseeded. 0 maps to -1, which no other model seed produces,
  // and every other seed keeps the value the committed models were trained with.
  const take = () => {
    const s = next++;
    return s === 0 ? -1 : s;
  };
  return {
    kernel: () => tf.initializers.glorotUniform({ seed: take() }),
    he: () => tf.initializers.heNormal({ seed: take() }),
    seed: take,
  };
}

/** Options every zoo builder takes. */
export interface ZooBuildOptions {
  /** Seed of every weight initializer (default 0). */
  seed?: number;
  /** [H, W, C] of the input (default: the entry's inputShape). */
  inputShape?: [number, number, number];
  numClasses?: number;
  /**
   * Dropout rate in [0, 1) before each dense layer (CNNs only; default 0 = no Dropout layers, the
   * architecture the committed models without --dropout have). Identity at inference, so the
   * measured function is unchanged in form; only training sees it.
   */
  dropout?: number;
}

/** The classifier head every zoo model ends with: Dense logits, then a separate softmax layer, so
 * 'logits' (DESIGN §1: the input of the final softmax) is a layer output the toolkit can read. */
export function logitsAndSoftmax(
  x: tf.SymbolicTensor,
  numClasses: number,
  init: ReturnType<typeof seededInit>,
): tf.SymbolicTensor {
  const logits = tf.layers
    .dense({ units: numClasses, kernelInitializer: init.kernel(), name: 'logits' })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'softmax', name: 'probs' }).apply(logits) as tf.SymbolicTensor;
}
