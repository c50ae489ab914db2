import * as tf from '@tensorflow/tfjs';

/**
 * Seeded initializers for one model: each call of `kernel()` gets the next seed, so a model built
 * twice from the same seed has identical weights (tfjs initializers are unseeded by default).
 */
export function seededInit(seed: number) {
  let next = seed * 1000;
  return {
    kernel: () => tf.initializers.glorotUniform({ seed: next++ }),
    he: () => tf.initializers.heNormal({ seed: next++ }),
    seed: () => next++,
  };
}

/** Options every zoo builder takes. */
export interface ZooBuildOptions {
  /** Seed of every weight initializer (default 0). */
  seed?: number;
  /** [H, W, C] of the input (default: the entry's inputShape). */
  inputShape?: [number, number, number];
  numClasses?: number;
}

/** The classifier head every zoo model ends with: Dense logits, then a separate softmax layer, so
 * 'logits' (DESIGN §1: the input of the final softmax) is a layer output the toolkit can read. */
export function logitsAndSoftmax(x: tf.SymbolicTensor, numClasses: number, init: ReturnType<typeof seededInit>): tf.SymbolicTensor {
  const logits = tf.layers.dense({ units: numClasses, kernelInitializer: init.kernel(), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'softmax', name: 'probs' }).apply(logits) as tf.SymbolicTensor;
}
