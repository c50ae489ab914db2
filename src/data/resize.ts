import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { DecodedImage } from './decode';

/**
 * One decoded image → [H, W, 3] float32 in [0, 1] at `size` = [H, W].
 *
 * Convention:
 *  - centerCrop (default true): crop the largest centred region with the target aspect ratio, then
 *    resize (ImageNet-style, no distortion); false: resize the whole image, changing its aspect ratio.
 *  - resampling: bilinear with half-pixel centres. A crop more than 2× the target is first
 *    average-pooled by the integer factor, so big photos don't alias when shrunk.
 *  - memory: returns one tensor, owned by the caller.
 */
export function resizeToTensor(img: DecodedImage, size: [number, number], { centerCrop = true } = {}): tf.Tensor3D {
  const [outH, outW] = size;
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) {
    throw new InputError(`size must be [H, W] positive integers, got [${size}]`);
  }
  return tf.tidy(() => {
    let x: tf.Tensor3D = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32').toFloat().div(255);
    if (centerCrop) {
      const scale = Math.min(img.height / outH, img.width / outW);
      const cropH = Math.max(1, Math.round(outH * scale));
      const cropW = Math.max(1, Math.round(outW * scale));
      x = x.slice([Math.floor((img.height - cropH) / 2), Math.floor((img.width - cropW) / 2), 0], [cropH, cropW, 3]);
    }
    const factor = Math.floor(Math.min(x.shape[0] / outH, x.shape[1] / outW));
    if (factor >= 2) x = tf.avgPool(x, factor, factor, 'valid') as tf.Tensor3D;
    if (x.shape[0] === outH && x.shape[1] === outW) return x.clipByValue(0, 1) as tf.Tensor3D;
    return tf.image.resizeBilinear(x, [outH, outW], false, true).clipByValue(0, 1) as tf.Tensor3D;
  });
}
