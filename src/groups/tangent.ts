/**
 * The image tangent L x = d/dt T_t x |_{t=0} (DESIGN §2–3) on images and on feature maps.
 * Spatial groups: L x = X_u ∂_u x + X_v ∂_v x with a discrete derivative along rows and columns
 * (reflection at the borders); colour groups: L x = G x per pixel (color.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../checks';
import { checkName, InputError } from '../errors';
import type { Group } from './catalog';
import { colorTangent } from './color';
import { getGroup, rows } from './generators';
import { COORDINATES, gridCoord, pixelsPerUnit, reflectIndex, type Coordinates } from './sampler';

export type Difference = 'central' | 'forward' | 'gaussian';
export const DIFFERENCES: Difference[] = ['central', 'forward', 'gaussian'];

export interface TangentOptions {
  /** 'central' (default), 'forward' (the paper's code at W = 32) or 'gaussian' (smoothed). */
  difference?: Difference;
  /** Standard deviation of the Gaussian in pixels, for difference 'gaussian' (default 1). */
  sigma?: number;
  /**
   * 'normalized' (default, the paper's: t = 1 is (W−1)/2 px along u and (H−1)/2 px along v) or
   * 'isotropic' ((max(H, W) − 1)/2 px per unit on both axes: rigid rotations on non-square images).
   * The same on square images. See Coordinates (sampler.ts) and docs/DESIGN.md §2.
   */
  coordinates?: Coordinates;
}

/**
 * Image tangent L x for one group.
 *
 * Convention:
 *  - images: [B, H, W, C] float32 NHWC; C = 3 (RGB) for colour groups, any C for spatial ones.
 *    Values are not range-checked (no host sync: this runs in the Lie-derivative hot loop).
 *  - coordinates: normalized (default), align_corners; u right, v down; ∂_u = (W−1)/2 · ∂/∂column, so L x is
 *    d/dt per normalized unit of t (divide by (W−1)/2 for per pixel of translate-x). With
 *    `coordinates: 'isotropic'`, ∂_u = s ∂/∂column and ∂_v = s ∂/∂row with s = (max(H, W) − 1)/2.
 *  - errors: InputError for an unknown difference or coordinates.
 *  - difference: 'central' (default): (x[j+1] − x[j−1])/2, 0 at border pixels (reflection).
 *    'forward': x[j+1] − x[j], and x[W−2] − x[W−1] at the last column/row (the reflected
 *    neighbour) — exactly the paper's code at W = 32 (test/fixtures/reference/PROVENANCE.md, "Subtleties").
 *    'gaussian': derivative of a Gaussian of `sigma` pixels, normalized to be exact on ramps.
 *  - returns [B, H, W, C] (masked border zeros may be −0); memory: one new tensor, intermediates disposed.
 */
export function imageTangent(images: tf.Tensor4D, g: string | Group, opts: TangentOptions = {}): tf.Tensor4D {
  const group = getGroup(g);
  assertShape(images, ['B', 'H', 'W', group.kind === 'color' ? 3 : 'C'], 'imageTangent', 'images');
  const difference = opts.difference ?? 'central';
  const stencil = derivativeStencil(difference, opts.sigma);
  const coordinates = checkName('coordinates', opts.coordinates ?? 'normalized', COORDINATES);
  return group.kind === 'spatial'
    ? spatialTangent(images, group, difference, stencil, coordinates)
    : colorTangent(images, group);
}

export interface FeatureTangentOptions extends TangentOptions {
  /**
   * For token tensors [B, N, C]: the number of leading class/register tokens, which stay fixed.
   * Default: 0 if N is a perfect square, 1 if N − 1 is; otherwise it must be given.
   */
  leadingTokens?: number;
}

/**
 * The same operator on a feature map (layer-wise decomposition, DESIGN §5), at its own resolution
 * in the same normalized coordinates.
 *
 * Convention:
 *  - h: [B, h, w, C] NHWC any C → spatial tangent; [B, N, C] tokens with N = leadingTokens + s·s
 *    (s·s patch tokens, row-major) → the patch grid's tangent, zero on leading tokens;
 *    [B, D] (non-spatial) → zeros. float32.
 *  - colour groups act only on the input image (use imageTangent there): on features they give zeros.
 *  - returns a tensor of h's shape; memory: one new tensor, intermediates disposed.
 */
export function featureTangent(h: tf.Tensor, g: string | Group, opts: FeatureTangentOptions = {}): tf.Tensor {
  const group = getGroup(g);
  const difference = opts.difference ?? 'central';
  const stencil = derivativeStencil(difference, opts.sigma);
  const coordinates = checkName('coordinates', opts.coordinates ?? 'normalized', COORDINATES);
  if (!(h instanceof tf.Tensor)) throw new InputError(`argument 'h' passed to 'featureTangent' must be a tf.Tensor`);
  if (h.rank === 2) {
    assertShape(h, ['B', 'D'], 'featureTangent', 'h');
    return tf.zerosLike(h);
  }
  if (h.rank === 4) {
    assertShape(h, ['B', 'h', 'w', 'C'], 'featureTangent', 'h');
    return group.kind === 'color'
      ? tf.zerosLike(h)
      : spatialTangent(h as tf.Tensor4D, group, difference, stencil, coordinates);
  }
  if (h.rank === 3) {
    assertShape(h, ['B', 'N', 'C'], 'featureTangent', 'h');
    const [B, N, C] = h.shape;
    const lead = leadingTokenCount(N, opts.leadingTokens);
    if (group.kind === 'color') return tf.zerosLike(h);
    const side = Math.round(Math.sqrt(N - lead));
    return tf.tidy(() => {
      const patches = tf.reshape(tf.slice(h, [0, lead, 0], [B, N - lead, C]), [B, side, side, C]);
      const lx = tf.reshape(spatialTangent(patches as tf.Tensor4D, group, difference, stencil), [B, N - lead, C]);
      return lead > 0 ? tf.concat([tf.zeros([B, lead, C]), lx], 1) : lx;
    });
  }
  throw new InputError(
    `argument 'h' passed to 'featureTangent' must be [B, h, w, C], [B, N, C] tokens or [B, D], got rank ${h.rank} shape [${h.shape.join(', ')}]`,
  );
}

function leadingTokenCount(N: number, given: number | undefined): number {
  const isSquare = (n: number) => n >= 1 && Number.isInteger(Math.sqrt(n));
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 0 || given >= N)
      throw new InputError(`leadingTokens must be an integer in [0, ${N - 1}] for ${N} tokens, got ${given}`);
    if (!isSquare(N - given))
      throw new InputError(
        `featureTangent: ${N} tokens minus ${given} leading tokens = ${N - given} is not a square patch grid (s·s)`,
      );
    return given;
  }
  if (isSquare(N)) return 0;
  if (isSquare(N - 1)) return 1;
  throw new InputError(
    `featureTangent: ${N} tokens is neither a square patch grid nor one class token plus a square grid; pass leadingTokens`,
  );
}

/** A discrete derivative D x[j] = Σ coef·(x[j+plus] − x[j+minus]) along an axis, indices reflected. */
type Stencil = Array<{ plus: number; minus: number; coef: number }>;

/** The stencil of each Difference; `sigma` (pixels) only for 'gaussian'. */
export function derivativeStencil(difference: Difference | string, sigma = 1): Stencil {
  const d = checkName('difference', difference, DIFFERENCES);
  if (d === 'central') return [{ plus: 1, minus: -1, coef: 0.5 }];
  if (d === 'forward') return [{ plus: 1, minus: 0, coef: 1 }];
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0)
    throw new InputError(`sigma (pixels) for difference 'gaussian' must be a positive number, got ${sigma}`);
  // c_k ∝ k·g(k) (minus the Gaussian's derivative), normalized so Σ_k k·c_k = 1: exact on ramps.
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const gauss = (k: number) => Math.exp(-(k * k) / (2 * sigma * sigma));
  let norm = 0;
  for (let k = 1; k <= radius; k++) norm += 2 * k * k * gauss(k);
  const stencil: Stencil = [];
  for (let k = 1; k <= radius; k++) stencil.push({ plus: k, minus: -k, coef: (k * gauss(k)) / norm });
  return stencil;
}

/**
 * L x = X_u ∂_u x + X_v ∂_v x on [B, H, W, C], no host sync. 'central' and 'forward' use 3-tap
 * depthwise convolutions with zero padding, and masks folded into the field make the border
 * columns/rows what reflection gives (10–14× faster than gathers on wasm); 'gaussian' gathers
 * reflected neighbours for each tap.
 */
function spatialTangent(
  x: tf.Tensor4D,
  group: Group,
  difference: Difference,
  stencil: Stencil,
  coordinates: Coordinates = 'normalized',
): tf.Tensor4D {
  const [, H, W, C] = x.shape;
  const G = rows(group.generator);
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (const axis of [2, 1] as const) {
      const n = x.shape[axis];
      const row = axis === 2 ? G[0] : G[1];
      // ∂_u = (W−1)/2 ∂/∂column, ∂_v = (H−1)/2 ∂/∂row (normalized); (max(H, W) − 1)/2 for both (isotropic)
      const scale = pixelsPerUnit(n, H, W, coordinates);
      if (n <= 1 || scale === 0 || row.every((g) => g === 0)) continue;
      if (difference === 'gaussian') {
        terms.push(
          tf.mul(differentiate(x, axis, stencil), fieldTensor(row, H, W, scale, axis, undefined, coordinates)),
        );
        continue;
      }
      for (const { taps, mask } of convTerms(difference, n)) {
        const filter = tf.tile(tf.reshape(tf.tensor1d(taps), axis === 2 ? [1, 3, 1, 1] : [3, 1, 1, 1]), [1, 1, C, 1]);
        terms.push(
          tf.mul(
            tf.depthwiseConv2d(x, filter as tf.Tensor4D, 1, 'same'),
            fieldTensor(row, H, W, scale, axis, mask, coordinates),
          ),
        );
      }
    }
    if (terms.length === 0) return tf.zerosLike(x);
    return terms.length === 1 ? terms[0] : tf.addN(terms);
  }) as tf.Tensor4D;
}

/**
 * 3-tap kernels (a·x[j−1] + b·x[j] + c·x[j+1], zero padded) and per-index masks reproducing the
 * reflected difference: central is 0 at both ends (x[−1] = x[1]); forward is x[j+1] − x[j] except
 * at the last index, where the reflected neighbour gives x[n−2] − x[n−1] (the second kernel).
 */
function convTerms(
  difference: Difference,
  n: number,
): Array<{ taps: [number, number, number]; mask: (k: number) => number }> {
  if (difference === 'central') return [{ taps: [-0.5, 0, 0.5], mask: (k) => (k === 0 || k === n - 1 ? 0 : 1) }];
  return [
    { taps: [0, -1, 1], mask: (k) => (k === n - 1 ? 0 : 1) },
    { taps: [1, -1, 0], mask: (k) => (k === n - 1 ? 1 : 0) },
  ];
}

/** [1, H, W, 1]: field row (a, b, c) → (a·u + b·v + c)·scale·mask(index along `axis`), u and v in `coordinates`. */
function fieldTensor(
  [a, b, c]: number[],
  H: number,
  W: number,
  scale: number,
  axis: 1 | 2,
  mask: (k: number) => number = () => 1,
  coordinates: Coordinates = 'normalized',
): tf.Tensor {
  const field = new Float32Array(H * W);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++)
      field[i * W + j] =
        (a * gridCoord(j, W, H, W, coordinates) + b * gridCoord(i, H, H, W, coordinates) + c) *
        scale *
        mask(axis === 2 ? j : i);
  }
  return tf.tensor4d(field, [1, H, W, 1]);
}

/** Σ coef·(x[j+plus] − x[j+minus]) along `axis` (1 rows, 2 columns), reflected indices. */
function differentiate(x: tf.Tensor4D, axis: 1 | 2, stencil: Stencil): tf.Tensor {
  const n = x.shape[axis];
  const shifted = (offset: number) => {
    if (offset === 0) return x;
    const idx = new Int32Array(n);
    for (let j = 0; j < n; j++) idx[j] = reflectIndex(j + offset, n);
    return tf.gather(x, tf.tensor1d(idx, 'int32'), axis);
  };
  const diff = (s: Stencil[number]) => tf.mul(tf.sub(shifted(s.plus), shifted(s.minus)), s.coef);
  return stencil.length === 1 ? diff(stencil[0]) : tf.addN(stencil.map(diff));
}
