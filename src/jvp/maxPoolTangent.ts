import * as tf from '@tensorflow/tfjs';
import { mulTiled, selectTiled } from './tile';

/**
 * Max-pool tangent: ẏ at each output is ẋ at the window's argmax (the first maximum in row-major
 * scan order, as TF and PyTorch pick it). Forward ops only (strided slices, compare, select), so it
 * runs on every backend; also the second-order gradient of MaxPoolGrad (src/jvp/gradients/).
 *
 * Convention:
 *  - x: [B, H, W, C] (NHWC); v: [k·B, H, W, C]; returns the tangent [k·B, Ho, Wo, C].
 *  - padding 'same' pads with −∞ (never selected), TF's split (extra row/column after); a number
 *    pads that many on each side (tf.maxPool's explicit pad).
 *  - memory: returns one new tensor.
 */
export function maxPoolTangent(
  x: tf.Tensor4D,
  v: tf.Tensor4D,
  k: number,
  filterSize: [number, number],
  strides: [number, number],
  padding: 'same' | 'valid' | number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W, C] = x.shape;
    const [fh, fw] = filterSize;
    const [sh, sw] = strides;
    let xp: tf.Tensor4D = x;
    let vp: tf.Tensor4D = v;
    let Ho: number;
    let Wo: number;
    if (typeof padding === 'number') {
      Ho = Math.floor((H + 2 * padding - fh) / sh) + 1;
      Wo = Math.floor((W + 2 * padding - fw) / sw) + 1;
      const pads: Array<[number, number]> = [[0, 0], [padding, padding], [padding, padding], [0, 0]];
      if (padding > 0) {
        xp = tf.pad(x, pads, -Infinity);
        vp = tf.pad(v, pads, 0);
      }
    } else if (padding === 'same') {
      Ho = Math.ceil(H / sh);
      Wo = Math.ceil(W / sw);
      const ph = Math.max((Ho - 1) * sh + fh - H, 0);
      const pw = Math.max((Wo - 1) * sw + fw - W, 0);
      const pads: Array<[number, number]> = [[0, 0], [Math.floor(ph / 2), ph - Math.floor(ph / 2)], [Math.floor(pw / 2), pw - Math.floor(pw / 2)], [0, 0]];
      if (ph > 0 || pw > 0) {
        xp = tf.pad(x, pads, -Infinity);
        vp = tf.pad(v, pads, 0);
      }
    } else {
      Ho = Math.floor((H - fh) / sh) + 1;
      Wo = Math.floor((W - fw) / sw) + 1;
    }
    if (fh === sh && fw === sw) return tilesArgmaxTangent(xp, vp, k, Ho, Wo, fh, fw);
    // Overlapping windows: scan the fh·fw offsets with contiguous slices (wasm's StridedSlice is
    // ~100× slower than Slice), keeping the first strict maximum.
    const needH = (fh - 1) + Ho * sh;
    const needW = (fw - 1) + Wo * sw;
    if (xp.shape[1] < needH || xp.shape[2] < needW) {
      const extra: Array<[number, number]> = [[0, 0], [0, Math.max(0, needH - xp.shape[1])], [0, Math.max(0, needW - xp.shape[2])], [0, 0]];
      xp = tf.pad(xp, extra, -Infinity);
      vp = tf.pad(vp, extra, 0);
    }
    const window = (t: tf.Tensor4D, di: number, dj: number) => {
      const b = t.shape[0];
      const block = tf.slice(t, [0, di, dj, 0], [b, Ho * sh, Wo * sw, C]);
      if (sh === 1 && sw === 1) return block as tf.Tensor4D;
      return tf.slice(block.reshape([b, Ho, sh, Wo, sw, C]), [0, 0, 0, 0, 0, 0], [b, Ho, 1, Wo, 1, C]).reshape([b, Ho, Wo, C]) as tf.Tensor4D;
    };
    let best = window(xp, 0, 0);
    let tangent = window(vp, 0, 0);
    for (let di = 0; di < fh; di++) {
      for (let dj = 0; dj < fw; dj++) {
        if (di === 0 && dj === 0) continue;
        const cand = window(xp, di, dj);
        const better = tf.cast(tf.greater(cand, best), 'float32');
        tangent = selectTiled(better, window(vp, di, dj), tangent, k) as tf.Tensor4D;
        best = tf.maximum(best, cand);
      }
    }
    return tangent;
  });
}

/**
 * Non-overlapping windows (pool = stride): a one-hot mask of each window's first argmax, built on
 * the primal only (window values moved to the last axis for argMax, then back); the tangent is
 * then read through that mask by a max-pool, so the k-stacked tangent is never transposed. xp/vp are already padded; rows/columns beyond Ho·fh, Wo·fw are in no window.
 */
function tilesArgmaxTangent(xp: tf.Tensor4D, vp: tf.Tensor4D, k: number, Ho: number, Wo: number, fh: number, fw: number): tf.Tensor4D {
  const [B, , , C] = xp.shape;
  const crop = (t: tf.Tensor4D) => (t.shape[1] === Ho * fh && t.shape[2] === Wo * fw ? t : tf.slice(t, [0, 0, 0, 0], [t.shape[0], Ho * fh, Wo * fw, C]));
  const tiles = tf.transpose(crop(xp).reshape([B, Ho, fh, Wo, fw, C]), [0, 1, 3, 5, 2, 4]).reshape([B * Ho * Wo * C, fh * fw]);
  // oneHot's dtype argument is ignored by the wasm backend in tfjs 4.22 (it writes int bits): cast.
  const onehot = tf.cast(tf.oneHot(tf.argMax(tiles, 1), fh * fw), 'float32');
  const mask = tf.transpose(onehot.reshape([B, Ho, Wo, C, fh, fw]), [0, 1, 4, 2, 5, 3]).reshape([B, Ho * fh, Wo * fw, C]);
  // Every entry but the argmax sinks to −3e38, so max-pooling (a fast kernel everywhere) returns
  // exactly the argmax's tangent: v·1 + 0 = v, v·0 − 3e38 = −3e38 < any finite tangent we expect.
  const sink = tf.mul(tf.sub(mask, 1), 3e38);
  const v = crop(vp);
  const marked = tf.add(mulTiled(v, mask, k).reshape([k, ...mask.shape]), sink).reshape(v.shape) as tf.Tensor4D;
  return tf.maxPool(marked, [fh, fw], [fh, fw], 'valid');
}
