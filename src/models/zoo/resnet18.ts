import * as tf from '@tensorflow/tfjs';
import { basicBlock, convBn } from './resnetSmall';
import { logitsAndSoftmax, seededInit, type ZooBuildOptions } from './seeds';

/**
 * ResNet-18 (He et al. 2016) at ImageNet shapes: 224×224×3 → Conv 7×7/2 (64) → MaxPool 3×3/2 →
 * 4 stages × 2 basic blocks (64, 128, 256, 512; stages 2–4 start with stride 2) → global average
 * pool → 1000 logits → softmax. 11.7 M parameters, seeded random init: for benchmarks, never trained.
 */
export function buildResnet18({
  seed = 0,
  inputShape = [224, 224, 3],
  numClasses = 1000,
}: ZooBuildOptions = {}): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = convBn(input, 64, 7, 2, init, 'stem');
  x = tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' })
    .apply(x) as tf.SymbolicTensor;
  [64, 128, 256, 512].forEach((filters, stage) => {
    x = basicBlock(x, filters, stage === 0 ? 1 : 2, init, `stage${stage + 1}_block1`);
    x = basicBlock(x, filters, 1, init, `stage${stage + 1}_block2`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logitsAndSoftmax(x, numClasses, init), name: 'resnet18' });
}
