import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import { BlurPool2D } from '../layers';
import { logitsAndSoftmax, seededInit, type ZooBuildOptions } from './seeds';

export type CnnActivation = 'relu' | 'gelu' | 'swish';

export interface CnnOptions extends ZooBuildOptions {
  activation?: CnnActivation;
  /** Anti-aliased downsampling (Zhang 2019): max-pool with stride 1, then BlurPool2D stride 2. */
  blurPool?: boolean;
  /**
   * Channel-width multiplier of every layer (default 1: conv 16, conv 32, dense 64); 0.5 and 0.25 make
   * the model-size series of notebook 03 (same depth and recipe, ≈ width² as many weights).
   */
  width?: number;
}

/**
 * Small CNN: [Conv 3×3 (16) → act → pool 2] → [Conv 3×3 (32) → act → pool 2] → flatten → Dense 64 act
 * → logits → softmax, with Dropout before fc1 and before the logits when `dropout` > 0. 'pool' is MaxPool 2×2 stride 2, or with blurPool MaxPool 2×2 stride 1 then
 * BlurPool2D — the same 28 → 14 → 7 resolutions either way.
 */
export function buildCnn({
  seed = 0,
  inputShape = [28, 28, 3],
  numClasses = 10,
  activation = 'relu',
  blurPool = false,
  dropout = 0,
  width = 1,
}: CnnOptions = {}): tf.LayersModel {
  if (!(width > 0 && Number.isInteger(16 * width)))
    throw new InputError(`width must be a positive multiple of 1/16, got ${width}`);
  const units = (n: number) => Math.max(1, Math.round(n * width));
  if (!(dropout >= 0 && dropout < 1)) throw new InputError(`dropout must be a rate in [0, 1), got ${dropout}`);
  const init = seededInit(seed);
  // Dropout masks are re-seeded per training step by trainModel (a fixed layer seed would draw the same mask every step).
  const drop = (x: tf.SymbolicTensor, i: number) =>
    dropout > 0 ? (tf.layers.dropout({ rate: dropout, name: `dropout${i}` }).apply(x) as tf.SymbolicTensor) : x;
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x: tf.SymbolicTensor = input;
  [16, 32].forEach((base, i) => {
    x = tf.layers
      .conv2d({
        filters: units(base),
        kernelSize: 3,
        padding: 'same',
        activation,
        kernelInitializer: init.he(),
        name: `conv${i + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (blurPool) {
      x = tf.layers
        .maxPooling2d({ poolSize: 2, strides: 1, padding: 'valid', name: `maxpool${i + 1}` })
        .apply(x) as tf.SymbolicTensor;
      x = new BlurPool2D({ strides: 2, name: `blurpool${i + 1}` }).apply(x) as tf.SymbolicTensor;
    } else {
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `maxpool${i + 1}` }).apply(x) as tf.SymbolicTensor;
    }
  });
  x = drop(tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor, 1);
  x = drop(
    tf.layers
      .dense({ units: units(64), activation, kernelInitializer: init.he(), name: 'fc1' })
      .apply(x) as tf.SymbolicTensor,
    2,
  );
  return tf.model({
    inputs: input,
    outputs: logitsAndSoftmax(x, numClasses, init),
    name: `cnn-${blurPool ? 'blurpool' : activation}${width === 1 ? '' : `-w${width}`}`,
  });
}
