import * as tf from '@tensorflow/tfjs';
import { logitsAndSoftmax, seededInit, type ZooBuildOptions } from './seeds';

type Init = ReturnType<typeof seededInit>;
type T = tf.SymbolicTensor;

/** Conv → BatchNorm (→ ReLU): the unit ResNets are made of. */
export function convBn(
  x: T,
  filters: number,
  kernelSize: number,
  strides: number,
  init: Init,
  name: string,
  relu = true,
): T {
  let y = tf.layers
    .conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.he(),
      name: `${name}_conv`,
    })
    .apply(x) as T;
  y = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(y) as T;
  return relu ? (tf.layers.activation({ activation: 'relu', name: `${name}_relu` }).apply(y) as T) : y;
}

/** He et al. 2016 basic block: two 3×3 convs plus a shortcut (1×1 conv + BN where the shape changes). */
export function basicBlock(x: T, filters: number, strides: number, init: Init, name: string): T {
  const inFilters = x.shape[3];
  let y = convBn(x, filters, 3, strides, init, `${name}_a`);
  y = convBn(y, filters, 3, 1, init, `${name}_b`, false);
  const shortcut =
    strides !== 1 || inFilters !== filters ? convBn(x, filters, 1, strides, init, `${name}_proj`, false) : x;
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as T;
  return tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(sum) as T;
}

/**
 * Small ResNet for 28×28: Conv 3×3 (16) + BN + ReLU → MaxPool 2 (14×14) → block(16) → block(32, stride 2)
 * (7×7) → global average pool → logits → softmax. Residual Adds, BatchNorm, no dense hidden layer.
 */
export function buildResnetSmall({
  seed = 0,
  inputShape = [28, 28, 3],
  numClasses = 10,
}: ZooBuildOptions = {}): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = convBn(input, 16, 3, 1, init, 'stem');
  x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'stem_pool' }).apply(x) as T;
  x = basicBlock(x, 16, 1, init, 'block1');
  x = basicBlock(x, 32, 2, init, 'block2');
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as T;
  return tf.model({ inputs: input, outputs: logitsAndSoftmax(x, numClasses, init), name: 'resnet-small' });
}
