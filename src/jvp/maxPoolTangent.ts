import * as tf from '@tensorflow/tfjs';
import { mulTiled } from './tile';

/**
 * Max-pool tangent: ẏ at each output is ẋ at the window's argmax (the first maximum in row-major
 * scan order, as TF and PyTorch pick it). Forward ops only (argMax, one-hot masks, pooling and
 * depthwise convolutions with one-hot filters), so it runs on every backend; also the second-order gradient of MaxPoolGrad (src/jvp/gradients/).
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
    // Overlapping windows: exactly the rows/columns the windows read, so a 'valid' pass gives Ho × Wo.
    const needH = (Ho - 1) * sh + fh;
    const needW = (Wo - 1) * sw + fw;
    if (xp.shape[1] < needH || xp.shape[2] < needW) {
      const extra: Array<[number, number]> = [[0, 0], [0, Math.max(0, needH - xp.shape[1])], [0, Math.max(0, needW - xp.shape[2])], [0, 0]];
      xp = tf.pad(xp, extra, -Infinity);
      vp = tf.pad(vp, extra, 0);
    }
    if (xp.shape[1] > needH || xp.shape[2] > needW) {
      xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1]);
      vp = tf.slice(vp, [0, 0, 0, 0], [-1, needH, needW, -1]);
    }
    return windowsArgmaxTangent(xp, vp, k, Ho, Wo, [fh, fw], [sh, sw]);
  });
}

/**
 * Overlapping windows: a depthwise convolution with fh·fw one-hot filters lays each window's
 * entries side by side ([.., C·fh·fw]; one product by 1, the rest by 0: exact) to find the first
 * argmax on the primal; the tangent is read offset by offset with a one-hot depthwise filter each
 * (so it never holds fh·fw copies of the k-stacked tangent), times that offset's mask. All native
 * kernels: on wasm every slice copies its whole input through JS (per-offset slices took 7 s of a ResNet-18 LEE).
 * xp/vp are padded to exactly (Ho−1)·sh + fh rows and (Wo−1)·sw + fw columns.
 */
function windowsArgmaxTangent(xp: tf.Tensor4D, vp: tf.Tensor4D, k: number, Ho: number, Wo: number, [fh, fw]: [number, number], strides: [number, number]): tf.Tensor4D {
  const [B, , , C] = xp.shape;
  const n = fh * fw;
  /** [fh, fw, C, m] depthwise filter: output channel c·m + j reads window entry offsets[j]. */
  const oneHotFilter = (offsets: number[]) => {
    const f = new Float32Array(n * C * offsets.length);
    for (let c = 0; c < C; c++) offsets.forEach((o, j) => (f[(o * C + c) * offsets.length + j] = 1));
    return tf.tensor4d(f, [fh, fw, C, offsets.length]);
  };
  // −∞ padding times a 0 weight would be NaN: the lowest finite float32 is never selected either.
  const xf = tf.maximum(xp, -3.4e38) as tf.Tensor4D;
  const windows = tf.depthwiseConv2d(xf, oneHotFilter([...Array(n).keys()]), strides, 'valid').reshape([B, Ho, Wo, C, n]);
  const first = tf.argMax(windows, -1); // [B, Ho, Wo, C] int32, the first maximum on ties
  let tangent: tf.Tensor | undefined;
  for (let o = 0; o < n; o++) {
    // (Slicing one offset out of a stacked mask would copy the whole stack on wasm: compare instead.)
    const mask = tf.cast(tf.equal(first, o), 'float32');
    const term = mulTiled(tf.depthwiseConv2d(vp, oneHotFilter([o]), strides, 'valid'), mask, k);
    tangent = tangent ? tf.add(tangent, term) : term;
  }
  return tangent as tf.Tensor4D;
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
  const v = crop(vp);
  const n = fh * fw;
  if ((n & (n - 1)) === 0) {
    // Window size a power of two (2×2 pools): average-pooling v ⊙ (n·mask) sums one n·v and n − 1
    // exact zeros and scales by 1/n, exact in float32 — one op on the k-stacked tangent fewer.
    return tf.avgPool(mulTiled(v, tf.mul(mask, n), k) as tf.Tensor4D, [fh, fw], [fh, fw], 'valid');
  }
  // Every entry but the argmax sinks to −3e38, so max-pooling (a fast kernel everywhere) returns
  // exactly the argmax's tangent: v·1 + 0 = v, v·0 − 3e38 = −3e38 < any finite tangent we expect.
  const sink = tf.mul(tf.sub(mask, 1), 3e38);
  const marked = tf.add(mulTiled(v, mask, k).reshape([k, ...mask.shape]), sink).reshape(v.shape) as tf.Tensor4D;
  return tf.maxPool(marked, [fh, fw], [fh, fw], 'valid');
}
