import * as tf from '@tensorflow/tfjs';
import { buildResnet18 } from '../src/models/zoo/resnet18';
import { convBn } from '../src/models/zoo/resnetSmall';
import { logitsAndSoftmax, seededInit } from '../src/models/zoo/seeds';

/** The benchmark architectures; bench/torch_lie.py builds the same ones in PyTorch and loads these weights. */
export const BENCH_MODELS = ['smallcnn', 'resnet18', 'resnet50'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

/** Input side and default batch, as the baseline script uses them. */
export const MODEL_SHAPES: Record<BenchModel, { size: number; batch: number }> = {
  smallcnn: { size: 32, batch: 64 },
  resnet18: { size: 224, batch: 8 },
  resnet50: { size: 224, batch: 32 },
};

/**
 * The reference SmallCNN's architecture (bench/torch_lie.py SmallCNN):
 * conv3×3(32)-relu-maxpool2, conv3×3(64)-relu-maxpool2, conv3×3(64)-relu, global average pool,
 * dense 10 (logits; 'probs' adds the softmax). Seeded random weights: only timing matters here.
 */
export function buildSmallCnn(seed = 0): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: [32, 32, 3] });
  let x: tf.SymbolicTensor = input;
  [32, 64].forEach((filters, i) => {
    x = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init.he(),
        name: `conv${i + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers
    .conv2d({
      filters: 64,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init.he(),
      name: 'conv3',
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: 10, kernelInitializer: init.kernel(), name: 'fc' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'smallcnn' });
}

type T = tf.SymbolicTensor;

/** He et al. 2016 bottleneck block (torchvision's: stride on the 3×3 conv). */
function bottleneck(x: T, width: number, strides: number, init: ReturnType<typeof seededInit>, name: string): T {
  const out = width * 4;
  let y = convBn(x, width, 1, 1, init, `${name}_a`);
  y = convBn(y, width, 3, strides, init, `${name}_b`);
  y = convBn(y, out, 1, 1, init, `${name}_c`, false);
  const shortcut = strides !== 1 || x.shape[3] !== out ? convBn(x, out, 1, strides, init, `${name}_proj`, false) : x;
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as T;
  return tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(sum) as T;
}

/**
 * ResNet-50 at 224² (torchvision's layout: 3, 4, 6, 3 bottlenecks of widths 64–512, stride on the
 * 3×3 conv), 1000 classes, seeded random weights: 25.6 M parameters, for the GPU benchmark.
 */
export function buildResnet50(seed = 0): tf.LayersModel {
  const init = seededInit(seed);
  const input = tf.input({ shape: [224, 224, 3], name: 'image' });
  let x = convBn(input, 64, 7, 2, init, 'stem');
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' }).apply(x) as T;
  [3, 4, 6, 3].forEach((blocks, stage) => {
    for (let b = 0; b < blocks; b++)
      x = bottleneck(x, 64 * 2 ** stage, b === 0 && stage > 0 ? 2 : 1, init, `stage${stage + 1}_block${b + 1}`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as T;
  return tf.model({ inputs: input, outputs: logitsAndSoftmax(x, 1000, init), name: 'resnet50' });
}

export function buildBenchModel(name: BenchModel): tf.LayersModel {
  if (name === 'smallcnn') return buildSmallCnn();
  return name === 'resnet18' ? buildResnet18() : buildResnet50();
}
