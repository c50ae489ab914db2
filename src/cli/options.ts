import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { checkName, InputError, UnknownNameError } from '../errors';
import { loadImageFolder } from '../data/imageFolder';
import { loadImagesNpy } from '../data/npy';
import type { ModelWrapper } from '../models/model';
import { UsageError } from './command';

/** checkName, reporting an unknown value as a usage error (exit 2) naming the option. */
export function choice<T extends string>(values: Record<string, unknown>, name: string, valid: readonly T[], fallback: T): T {
  const v = values[name];
  if (v === undefined) return fallback;
  try {
    return checkName(`--${name} value`, String(v), valid);
  } catch (err) {
    if (err instanceof UnknownNameError) throw new UsageError(err.message);
    throw err;
  }
}

/** `--images`: a .npy file, or an image folder resized to the model's input size. */
export async function loadImages(spec: string, model: ModelWrapper): Promise<{ images: tf.Tensor4D; labels?: number[]; files?: string[] }> {
  if (!fs.existsSync(spec)) throw new InputError(`--images '${spec}' does not exist`);
  if (fs.statSync(spec).isDirectory()) {
    const [h, w] = model.inputSize;
    if (!h || !w) throw new InputError(`model '${model.name}' has no fixed input size; give inputSize in its liederiv.json to load an image folder`);
    const folder = loadImageFolder(spec, { size: [h, w] });
    return { images: folder.images, labels: folder.labels, files: folder.files };
  }
  if (path.extname(spec).toLowerCase() !== '.npy') throw new InputError(`--images must be a .npy file or a folder of images, got '${spec}'`);
  return { images: loadImagesNpy(spec) };
}
