/**
 * Spatial groups (DESIGN §2): (T_t x)(p) = x(A_t p) with A_t = expm(tG), through the one sampler.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Group } from './catalog';
import { flow } from './generators';
import { sampleAffine, type Coordinates } from './sampler';

/**
 * Finite spatial action for each t.
 *
 * Convention:
 *  - x: [B, H, W, C] float32, any C; ts: T values of t in coordinate units (normalized: t = 1 is
 *    (W−1)/2 pixels for translate-x; isotropic: (max(H, W) − 1)/2 pixels; radians for rotate).
 *  - A_t = expm(tG) maps output coordinates to input coordinates (inputFromOutput); bilinear,
 *    reflection about border pixel centres, align_corners.
 *  - returns [T·B, H, W, C], t-major; t = 0 returns x exactly.
 *  - memory: returns one new tensor and disposes its intermediates.
 */
export function applySpatial(
  x: tf.Tensor4D,
  group: Group,
  ts: number[],
  coordinates: Coordinates = 'normalized',
): tf.Tensor4D {
  const inputFromOutput = ts.map((t) => flow(group, t).slice(0, 2));
  return sampleAffine(x, inputFromOutput, coordinates);
}
