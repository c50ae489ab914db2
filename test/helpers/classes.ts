import type * as tf from '@tensorflow/tfjs';

/**
 * Class names for a test classifier (one per output component), for its liederiv.json: a model
 * loaded from a file with neither a softmax nor class names must say which output it means
 * (src/jvp/measured.ts), so test classifiers declare themselves as such.
 */
export function classNamesOf(net: tf.LayersModel): string[] {
  const shape = net.outputs[0].shape;
  return Array.from({ length: shape[shape.length - 1] as number }, (_, i) => `class ${i}`);
}
