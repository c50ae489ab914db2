import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../../checks';
import { InputError } from '../../errors';

export const SHIFT_MODES = ['circular', 'crop'] as const;
/** 'circular': pixels leaving one side re-enter on the other (tf.roll); 'crop': they are lost and zeros enter. */
export type ShiftMode = (typeof SHIFT_MODES)[number];

/**
 * Integer translation of an image batch by (dx, dy) pixels: content moves right by dx and down by dy.
 *
 * Convention:
 *  - images: [B, H, W, C] float32; returns the same shape, one new tensor.
 *  - 'circular' is exactly invertible; 'crop' is a crop of the zero-padded image (Zhang 2019's
 *    crop-based consistency), so content shifted out is gone.
 */
export function shiftImages(
  images: tf.Tensor4D,
  dxPx: number,
  dyPx: number,
  mode: ShiftMode = 'circular',
): tf.Tensor4D {
  assertShape(images, ['B', 'H', 'W', 'C'], 'shiftImages', 'images');
  if (!Number.isInteger(dxPx) || !Number.isInteger(dyPx))
    throw new InputError(
      `shiftImages: shifts must be integer pixels, got (${dxPx}, ${dyPx}); use applyGroup for fractional shifts`,
    );
  const [, H, W] = images.shape;
  if (Math.abs(dxPx) >= W || Math.abs(dyPx) >= H)
    throw new InputError(`shiftImages: shift (${dxPx}, ${dyPx}) must be smaller than the image (${W}×${H})`);
  return tf.tidy(() => {
    if (mode === 'circular') return roll(roll(images, dyPx, 1), dxPx, 2) as tf.Tensor4D;
    const padded = tf.pad(images, [
      [0, 0],
      [Math.abs(dyPx), Math.abs(dyPx)],
      [Math.abs(dxPx), Math.abs(dxPx)],
      [0, 0],
    ]);
    return tf.slice(padded, [0, Math.abs(dyPx) - dyPx, Math.abs(dxPx) - dxPx, 0], [-1, H, W, -1]) as tf.Tensor4D;
  });
}

/** out[i] = x[(i − s) mod n] along `axis` (numpy.roll). */
function roll(x: tf.Tensor, s: number, axis: number): tf.Tensor {
  const n = x.shape[axis];
  const k = ((s % n) + n) % n;
  if (k === 0) return x.clone();
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  const head = tf.slice(
    x,
    begin.map((b, i) => (i === axis ? n - k : b)),
    size.map((v, i) => (i === axis ? k : v)),
  );
  const tail = tf.slice(
    x,
    begin,
    size.map((v, i) => (i === axis ? n - k : v)),
  );
  return tf.concat([head, tail], axis);
}
