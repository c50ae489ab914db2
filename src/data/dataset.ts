import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { assertPositiveInt } from '../checks';
import { permutation } from './rng';

export type Split = 'train' | 'test';
export const SPLITS: readonly Split[] = ['train', 'test'];

/**
 * A labelled image set as every loader returns it.
 *
 * Convention:
 *  - images: [N, H, W, 3] float32 (NHWC), RGB in [0, 1]; greyscale sources are replicated to 3 channels.
 *  - labels[i] indexes classNames; labels.length === N.
 *  - memory: the caller owns `images` and disposes it.
 */
export interface ImageDataset {
  images: tf.Tensor4D;
  labels: number[];
  classNames: string[];
  /** Where the pixels came from and under which licence (datasets/README.md has the details). */
  source: string;
  licence: string;
}

/** Options every bundled-dataset loader takes. */
export interface SubsetOptions {
  split?: Split;
  /** Keep at most this many images, chosen by a seeded shuffle (default: all, in file order). */
  limit?: number;
  /** Seed of the subset shuffle (default 0); ignored without `limit`. */
  seed?: number;
}

/**
 * Indices of a subset: all of 0..n−1 in order, or `limit` of them drawn by a seeded permutation
 * (the same (n, limit, seed) always gives the same images, in the permuted order).
 */
export function subsetIndices(n: number, limit: number | undefined, seed = 0): number[] {
  if (limit === undefined) return Array.from({ length: n }, (_, i) => i);
  assertPositiveInt(limit, 'limit');
  if (!Number.isInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}`);
  return permutation(n, seed).slice(0, Math.min(limit, n));
}

/**
 * Packs uint8 greyscale images (each `h·w` bytes at `pixels[index·h·w]`) into an RGB tensor in [0, 1].
 *
 * Convention: returns [indices.length, h, w, 3] float32, the grey value replicated to R, G and B.
 */
export function greyToRgbTensor(pixels: Uint8Array, indices: number[], h: number, w: number): tf.Tensor4D {
  const hw = h * w;
  const out = new Float32Array(indices.length * hw * 3);
  indices.forEach((src, n) => {
    const base = src * hw;
    for (let p = 0; p < hw; p++) {
      const v = pixels[base + p] / 255;
      const o = (n * hw + p) * 3;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  });
  return tf.tensor4d(out, [indices.length, h, w, 3], 'float32');
}
