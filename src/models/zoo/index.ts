import type * as tf from '@tensorflow/tfjs';
import { checkName, InputError } from '../../errors';
import '../layers'; // registers the custom layer classes, so zoo models can be saved and loaded
import { buildCnn } from './cnn';
import { buildMixerTiny } from './mixerTiny';
import { buildMlp } from './mlp';
import { buildResnet18 } from './resnet18';
import { buildResnetSmall } from './resnetSmall';
import type { ZooBuildOptions } from './seeds';
import { buildVitTiny } from './vitTiny';

export interface ZooEntry {
  build(opts?: ZooBuildOptions): tf.LayersModel;
  /** [H, W, C] the builder uses by default. */
  inputShape: [number, number, number];
  description: string;
}

/** Every zoo architecture by name (the names `liederiv train --model` and the manifest use). */
export const ZOO = {
  mlp: { build: buildMlp, inputShape: [28, 28, 3], description: 'MLP 2352-96-64-10, ReLU' },
  'cnn-relu': {
    build: (o) => buildCnn({ ...o, activation: 'relu' }),
    inputShape: [28, 28, 3],
    description: 'CNN conv16-pool-conv32-pool-fc64, ReLU, max-pool (optional dropout before the dense layers)',
  },
  'cnn-gelu': {
    build: (o) => buildCnn({ ...o, activation: 'gelu' }),
    inputShape: [28, 28, 3],
    description: 'the same CNN with GELU',
  },
  'cnn-swish': {
    build: (o) => buildCnn({ ...o, activation: 'swish' }),
    inputShape: [28, 28, 3],
    description: 'the same CNN with swish',
  },
  'cnn-relu-half': {
    build: (o) => buildCnn({ ...o, activation: 'relu', width: 0.5 }),
    inputShape: [28, 28, 3],
    description: 'the ReLU CNN at half width (conv8-conv16-fc32): model-size series',
  },
  'cnn-relu-quarter': {
    build: (o) => buildCnn({ ...o, activation: 'relu', width: 0.25 }),
    inputShape: [28, 28, 3],
    description: 'the ReLU CNN at quarter width (conv4-conv8-fc16): model-size series',
  },
  'cnn-blurpool': {
    build: (o) => buildCnn({ ...o, activation: 'relu', blurPool: true }),
    inputShape: [28, 28, 3],
    description: 'the ReLU CNN with BlurPool anti-aliasing (max-pool stride 1 + blur-pool stride 2)',
  },
  'resnet-small': {
    build: buildResnetSmall,
    inputShape: [28, 28, 3],
    description: 'ResNet: stem conv16+BN+pool, 2 basic blocks (16, 32/2), GAP',
  },
  'vit-tiny': {
    build: buildVitTiny,
    inputShape: [28, 28, 3],
    description: 'ViT: 4×4 patches, dim 32, 2 blocks, 4 heads, class token',
  },
  'mixer-tiny': {
    build: buildMixerTiny,
    inputShape: [28, 28, 3],
    description: 'MLP-Mixer: 4×4 patches, dim 32, 2 blocks',
  },
  resnet18: {
    build: buildResnet18,
    inputShape: [224, 224, 3],
    description: 'ResNet-18 at 224×224, 1000 classes, random init (benchmarks only)',
  },
} satisfies Record<string, ZooEntry>;

export type ZooName = keyof typeof ZOO;
export const ZOO_NAMES = Object.keys(ZOO) as ZooName[];

/** Builds a zoo architecture with seeded random weights (train it with `trainModel`). */
export function buildZooModel(name: string, opts: ZooBuildOptions = {}): tf.LayersModel {
  const arch = checkName('zoo model', name, ZOO_NAMES);
  if (opts.dropout && !arch.startsWith('cnn-'))
    throw new InputError(`dropout is an option of the cnn-* architectures, not of '${arch}'`);
  return (ZOO[arch] as ZooEntry).build(opts);
}

export { buildCnn, buildMixerTiny, buildMlp, buildResnet18, buildResnetSmall, buildVitTiny };
export type { ZooBuildOptions };
