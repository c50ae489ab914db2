/**
 * The one bilinear sampler (DESIGN §2): normalized coordinates with align_corners, reflection about
 * the border pixel centres (index −1 → 1, W → W−2). Every finite spatial action goes through here,
 * and `reflectIndex` is shared with the discrete derivatives in tangent.ts.
 */
import * as tf from '@tensorflow/tfjs';

/** Normalized coordinate of pixel index k along an axis of n pixels: −1 + 2k/(n−1); 0 when n = 1. */
export function normalizedCoord(k: number, n: number): number {
  return n > 1 ? -1 + (2 * k) / (n - 1) : 0;
}

/**
 * The coordinate system groups act in (docs/DESIGN.md §2).
 *  - 'normalized' (default, the paper's): each axis scaled to [−1, 1] on its own, so one unit is
 *    (W−1)/2 pixels along u and (H−1)/2 along v. On non-square images rotation is then not rigid.
 *  - 'isotropic': the same pixel scale on both axes, s = (max(H, W) − 1)/2 pixels per unit, origin
 *    at the image centre: u = (j − (W−1)/2)/s, v = (i − (H−1)/2)/s. The longer axis spans [−1, 1]
 *    as in 'normalized'; rotation is rigid on any aspect ratio. Identical to 'normalized' on square images.
 */
export type Coordinates = 'normalized' | 'isotropic';
export const COORDINATES: Coordinates[] = ['normalized', 'isotropic'];

/** Pixels per coordinate unit along an axis of n pixels of an H×W image. */
export function pixelsPerUnit(n: number, H: number, W: number, coordinates: Coordinates = 'normalized'): number {
  return coordinates === 'isotropic' && H !== W ? (Math.max(H, W) - 1) / 2 : (n - 1) / 2;
}

/** Coordinate of pixel index k along an axis of n pixels of an H×W image (normalizedCoord for 'normalized' and square images). */
export function gridCoord(k: number, n: number, H: number, W: number, coordinates: Coordinates = 'normalized'): number {
  if (coordinates !== 'isotropic' || H === W) return normalizedCoord(k, n);
  const s = pixelsPerUnit(n, H, W, coordinates);
  return s > 0 ? (k - (n - 1) / 2) / s : 0;
}

/**
 * A warning for measurements on non-square H×W images in normalized coordinates (undefined when
 * there is nothing to say: square images, or isotropic coordinates). Library code does not print;
 * the CLI and notebooks show it.
 */
export function nonSquareWarning(H: number, W: number, coordinates: Coordinates = 'normalized'): string | undefined {
  if (H === W || coordinates === 'isotropic') return undefined;
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  return (
    `images are ${H}×${W} (H×W), not square: in normalized coordinates one unit of t is (W−1)/2 = ${fmt((W - 1) / 2)} px across ` +
    `but (H−1)/2 = ${fmt((H - 1) / 2)} px down, so 'rotate' (and the shears and hyperbolic-rotate) are not rigid motions of the pixels — ` +
    `even a round blob has a large rotation Lie derivative. Use coordinates 'isotropic' (the same ${fmt((Math.max(H, W) - 1) / 2)} px per unit on both axes) ` +
    `to measure rigid rotations (docs/DESIGN.md §2)`
  );
}

/**
 * Reflects an integer index about the border pixel centres into [0, n−1]: −1 → 1, n → n−2, and
 * periodically (period 2(n−1)) beyond, so any shift is defined. n = 1 maps everything to 0.
 */
export function reflectIndex(k: number, n: number): number {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  const m = ((k % period) + period) % period;
  return m > n - 1 ? period - m : m;
}

/** Source coordinates this close to an integer are snapped to it, so identity and whole-pixel maps are exact. */
const SNAP = 1e-9;

/**
 * Resamples `x` under T affine maps: output pixel p of map k is x(inputFromOutput[k] · p) with
 * p = (u, v, 1) in normalized coordinates, bilinear, reflected at the borders.
 *
 * Convention:
 *  - x: [B, H, W, C] float32, any C; inputFromOutput: T matrices, each 2×3 (or 3×3, rows 0–1 used),
 *    in `coordinates` (default 'normalized': u right, v down, align_corners; 'isotropic': the same
 *    pixel scale on both axes, see Coordinates).
 *  - returns [T·B, H, W, C], t-major (rows k·B … k·B+B−1 are map k).
 *  - indices and weights are computed on the host in float64 (T·H·W each); the blend is 4 gathers.
 *  - memory: returns one new tensor and disposes its intermediates.
 */
export function sampleAffine(
  x: tf.Tensor4D,
  inputFromOutput: number[][][],
  coordinates: Coordinates = 'normalized',
): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const T = inputFromOutput.length;
  const n = T * H * W;
  const idx = [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  const wts = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const isotropic = coordinates === 'isotropic' && H !== W;
  const toPixel = isotropic
    ? (g: number, size: number) => g * pixelsPerUnit(size, H, W, coordinates) + (size - 1) / 2
    : (g: number, size: number) => (size > 1 ? ((g + 1) / 2) * (size - 1) : 0);
  const snap = (c: number) => (Math.abs(c - Math.round(c)) < SNAP ? Math.round(c) : c);
  let o = 0;
  for (const A of inputFromOutput) {
    for (let i = 0; i < H; i++) {
      const v = gridCoord(i, H, H, W, coordinates);
      for (let j = 0; j < W; j++, o++) {
        const u = gridCoord(j, W, H, W, coordinates);
        const ix = snap(toPixel(A[0][0] * u + A[0][1] * v + A[0][2], W));
        const iy = snap(toPixel(A[1][0] * u + A[1][1] * v + A[1][2], H));
        const x0 = Math.floor(ix);
        const y0 = Math.floor(iy);
        const fx = ix - x0;
        const fy = iy - y0;
        const c0 = reflectIndex(x0, W);
        const c1 = reflectIndex(x0 + 1, W);
        const r0 = reflectIndex(y0, H) * W;
        const r1 = reflectIndex(y0 + 1, H) * W;
        idx[0][o] = r0 + c0;
        wts[0][o] = (1 - fx) * (1 - fy);
        idx[1][o] = r0 + c1;
        wts[1][o] = fx * (1 - fy);
        idx[2][o] = r1 + c0;
        wts[2][o] = (1 - fx) * fy;
        idx[3][o] = r1 + c1;
        wts[3][o] = fx * fy;
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [B, H * W, C]);
    let out: tf.Tensor | undefined;
    for (let k = 0; k < 4; k++) {
      const term = tf.mul(tf.gather(flat, tf.tensor1d(idx[k], 'int32'), 1), tf.tensor3d(wts[k], [1, n, 1]));
      out = out ? tf.add(out, term) : term;
    }
    if (T === 1) return tf.reshape(out!, [B, H, W, C]);
    return tf.reshape(tf.transpose(tf.reshape(out!, [B, T, H, W, C]), [1, 0, 2, 3, 4]), [T * B, H, W, C]);
  });
}
