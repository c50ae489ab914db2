import * as tf from '@tensorflow/tfjs';
import { checkName } from '../errors';
import { flow } from '../groups/generators';
import { sampleAffine } from '../groups/sampler';

export const AUGMENTATIONS = ['translate', 'rotate', 'hue'] as const;
export type Augmentation = (typeof AUGMENTATIONS)[number];

export interface AugmentOptions {
  augment: readonly Augmentation[];
  /** Largest shift along each axis, pixels (uniform in ±maxShiftPx). */
  maxShiftPx?: number;
  /** Largest rotation, degrees (uniform in ±maxAngleDeg). */
  maxAngleDeg?: number;
}

/** Parses "translate,rotate" (the CLI form) into checked names; '' or 'none' is no augmentation. */
export function parseAugmentations(spec: string): Augmentation[] {
  if (spec === '' || spec === 'none') return [];
  return spec.split(',').map((s) => checkName('augmentation', s.trim(), AUGMENTATIONS));
}

const matMul3 = (a: number[][], b: number[][]) =>
  a.map((row) => [0, 1, 2].map((j) => row[0] * b[0][j] + row[1] * b[1][j] + row[2] * b[2][j]));

/**
 * Random group actions for training, drawn per image from `rand` (seeded by the caller), using the
 * toolkit's own group flows and sampler (DESIGN §2), so "augmented with rotations" means the same
 * rotations the Lie derivative measures. Spatial: one resampling per image, A = rotate(θ) · translate(tx, ty),
 * bilinear, reflected at the border. hue: rotation about the grey axis by an angle uniform in (−π, π],
 * clipped back to [0, 1].
 *
 * Convention:
 *  - x: [B, H, W, 3] float32 RGB in [0, 1]; returns a new tensor of the same shape (x unchanged).
 *  - memory: returns one new tensor and disposes its intermediates.
 */
export function augmentBatch(
  x: tf.Tensor4D,
  rand: () => number,
  { augment, maxShiftPx = 3, maxAngleDeg = 15 }: AugmentOptions,
): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const spatial = augment.includes('translate') || augment.includes('rotate');
  return tf.tidy(() => {
    let y: tf.Tensor4D = x.clone();
    if (spatial) {
      const uniform = (m: number) => (2 * rand() - 1) * m;
      const images = tf.split(y, b, 0).map((img) => {
        let a = flow('rotate', 0);
        if (augment.includes('rotate')) a = flow('rotate', (uniform(maxAngleDeg) * Math.PI) / 180);
        if (augment.includes('translate')) {
          // pixels → normalized units: t = 1 is (W − 1)/2 pixels (DESIGN §2)
          a = matMul3(
            a,
            matMul3(
              flow('translate-x', (uniform(maxShiftPx) * 2) / (w - 1)),
              flow('translate-y', (uniform(maxShiftPx) * 2) / (h - 1)),
            ),
          );
        }
        return sampleAffine(img as tf.Tensor4D, [a]);
      });
      y = tf.concat(images, 0);
    }
    if (augment.includes('hue')) {
      const mats = Array.from({ length: b }, () => flow('hue', Math.PI * (2 * rand() - 1)));
      const mT = tf.tensor3d(
        mats.map((m) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => m[j][i]))),
        [b, 3, 3],
      ); // M_bᵀ
      y = tf
        .matMul(y.reshape([b, h * w, 3]), mT)
        .reshape([b, h, w, 3])
        .clipByValue(0, 1) as tf.Tensor4D;
    }
    return y;
  });
}
