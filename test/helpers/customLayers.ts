import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../src/data/rng';

/** A one-layer LayersModel around `layer` (input shape without batch), for rule tests. */
export function wrapLayer(layer: tf.layers.Layer, inputShape: number[], name = 'wrapped'): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor, name });
}

/** Deterministic uniform values in [lo, hi) of `shape` (seeded, so failures reproduce). */
export function seededUniform(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const rand = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => lo + (hi - lo) * rand()),
    shape,
  );
}
