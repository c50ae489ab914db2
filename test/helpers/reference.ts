import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** ../shared/reference relative to the repository root (present in CI at the same path). */
export const REFERENCE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'reference');

export interface RefTensor { shape: number[]; layout?: string; dtype: 'float32' | 'float64'; data: number[] }

const cache = new Map<string, any>();
/** Loads one reference JSON file (cached; they are 1–1.5 MB each). */
export function loadReference(file: 'smallcnn_inputs' | 'smallcnn_outputs' | 'smallcnn_weights' | 'smallcnn_image_tangents'): any {
  if (!cache.has(file)) cache.set(file, JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, `${file}.json`), 'utf8')));
  return cache.get(file);
}

/** A reference tensor as a float32 tf.Tensor with its exact bits (see reference/README.md). */
export function refTensor(entry: RefTensor): tf.Tensor {
  return tf.tensor(new Float32Array(entry.data), entry.shape, 'float32');
}

/** Max |a − b| / max |b|: the relative error used against the reference. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / (den || 1);
}
