import * as tf from '@tensorflow/tfjs';
import { logitsAndSoftmax, seededInit, type ZooBuildOptions } from './seeds';

/** MLP: flatten → Dense 96 ReLU → Dense 64 ReLU → logits → softmax (no spatial structure at all). */
export function buildMlp({
  seed = 0,
  inputShape = [28, 28, 3],
  numClasses = 10,
}: ZooBuildOptions = {}): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  for (const units of [96, 64])
    x = tf.layers.dense({ units, activation: 'relu', kernelInitializer: init.he() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logitsAndSoftmax(x, numClasses, init), name: 'mlp' });
}
