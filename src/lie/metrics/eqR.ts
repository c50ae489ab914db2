/**
 * EQ-R, StyleGAN3's rotation equivariance metric, for image models (DESIGN §6).
 *
 * Sources:
 *  - Karras et al. 2021, "Alias-Free Generative Adversarial Networks" (NeurIPS), §3 and Appendix E.3:
 *    EQ-R = PSNR in dB between the rotated output of the reference input and the output of the
 *    rotated input, over the region both define; their code NVlabs/stylegan3 `metrics/equivariance.py`
 *    (`compute_equivariance_metrics`, `apply_fractional_rotation`): angle uniform in [−π, π]
 *    (`rotate_max = 1`), mask = ones with the filter-support border cleared, rotated by
 *    nearest-neighbour `grid_sample` with zero padding, MSE = Σ mask·(ref − out)² / Σ mask (sums
 *    pooled over the whole run before dividing), PSNR = 20·log10(2) − 10·log10(MSE) (images in [−1, 1]).
 *  - Gruver et al. 2022 (arXiv 2210.02984), code github:ngruver/lie-deriv `lee/e2e_other.py` `EQ_R`:
 *    the same rotation applied to a classifier's input, and the softmax outputs compared directly
 *    (mean of squares, no mask: a class vector does not rotate).
 *
 * What differs here, on purpose: the rotation is bilinear with zero padding (the one-pixel support of
 * bilinear is why the mask's cleared border is 1 pixel), not StyleGAN3's 4×-upsampled windowed-sinc
 * filter, so that as the angle → 0 EQ-R meets the Lie derivative of src/groups' 'rotate' (same map,
 * sign and units; DESIGN §1, §6): MSE(θ) ∝ θ², and the symmetric quotient (R_θ x − R_−θ x)/2θ is the
 * central-difference tangent the LEE uses. One angle alone sees a one-sided difference
 * D± = D_c ± A (A: the pixel-scale second-difference part), so for a linear model
 * ½(MSE(θ) + MSE(−θ)) = θ²·(mean-sq(L f) + mean-sq(J A x)) ≥ θ²·mean-sq LEE: the central LEE gives
 * the bound EQ-R(±θ) ≤ 10·log10(peak²/(θ²·mean-sq LEE)), approached as images get smoother (1.7 dB
 * below it on the windowed sines of the tests). Angles are a deterministic grid
 * (the midpoint rule for StyleGAN3's uniform draw on [−π, π]) so results are reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import type { ModelWrapper } from '../../models/model';
import type { OutputMode } from '../lieDerivative';
import { EQ_MAX_DB } from './eqT';
import { checkMetricImages, modelOutput } from './modelOutput';

/**
 * The default angles (radians): the n-point midpoint rule on [−π, π], −π + (k + ½)·2π/n, the
 * deterministic counterpart of StyleGAN3's `angle = (rand·2 − 1)·π`. n = 16 by default: ±11.25°,
 * ±33.75°, …, ±168.75°, none a multiple of 90° (those would be exact pixel permutations).
 */
export function eqRAngles(n = 16): number[] {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`eqRAngles: n must be a positive integer, got ${n}`);
  // π·(2k + 1 − n)/n: the integer numerator makes the grid exactly symmetric (a[k] = −a[n−1−k]).
  return Array.from({ length: n }, (_, k) => (Math.PI * (2 * k + 1 - n)) / n);
}

export const EQR_COMPARE = ['outputs', 'rotated-outputs'] as const;
/**
 * 'outputs' (default; class outputs, as e2e_other.py): f(R x) against f(x) directly, every output
 * counted. 'rotated-outputs' (image-like outputs, as StyleGAN3): R f(x) against f(R x) over the
 * rotated valid mask; the output must be NHWC at the input's H × W (flattened row-major).
 */
export type EqRCompare = (typeof EQR_COMPARE)[number];

export interface EqROptions {
  /** Rotation angles in radians (positive = src/groups 'rotate' with t > 0: clockwise as displayed). Default eqRAngles(16). */
  anglesRad?: number[];
  compare?: EqRCompare;
  output?: OutputMode;
  /** Peak value of the output for the PSNR (1 for probabilities; StyleGAN3's images in [−1, 1] use 2). */
  peak?: number;
}

/** One angle's share of EQ-R: squared error summed over the counted entries, and how many were counted. */
export interface EqRAngleRow {
  angleRad: number;
  /** Σ mask·(ref − out)² over images, positions and channels (float64 sum of float32 terms). */
  sse: number;
  /** Σ mask (number of counted output entries). */
  count: number;
  /** sse / count. */
  mse: number;
  /** PSNR of this angle alone, dB, capped at EQ_MAX_DB. */
  db: number;
}

/**
 * Rotation of an image batch about its centre by `angleRad`, bilinear, zero padding, with the
 * StyleGAN3 valid mask: output pixel p samples x at A p, A = [[cos, sin], [−sin, cos]] in pixel
 * coordinates about ((W−1)/2, (H−1)/2) (src/groups 'rotate' on square images, t = angleRad); the
 * mask is 1 where the nearest source pixel lies in the image with its 1-pixel border cleared (so
 * every bilinear tap of a masked pixel is inside the image), 0 elsewhere.
 *
 * Convention:
 *  - x: [B, H, W, C] float32, any C; returns { rotated: [B, H, W, C], mask: [1, H, W, 1] } (0/1
 *    float32); the caller disposes both. Indices and weights are computed on the host in float64;
 *    source coordinates within 1e-9 of an integer are snapped (θ = 0 and multiples of 90° exact).
 */
export function rotateWithMask(x: tf.Tensor4D, angleRad: number): { rotated: tf.Tensor4D; mask: tf.Tensor4D } {
  if (!(x instanceof tf.Tensor) || x.rank !== 4)
    throw new InputError('rotateWithMask: x must be a [B, H, W, C] tensor');
  if (!Number.isFinite(angleRad))
    throw new InputError(`rotateWithMask: angleRad must be a finite number, got ${angleRad}`);
  const [B, H, W, C] = x.shape;
  const n = H * W;
  const idx = [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  const wts = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const mask = new Float32Array(n);
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  const snap = (c: number) => (Math.abs(c - Math.round(c)) < 1e-9 ? Math.round(c) : c);
  for (let i = 0, o = 0; i < H; i++) {
    for (let j = 0; j < W; j++, o++) {
      const u = j - cx;
      const v = i - cy;
      const sx = snap(cos * u + sin * v + cx);
      const sy = snap(-sin * u + cos * v + cy);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const taps: Array<[number, number, number]> = [
        [y0, x0, (1 - fx) * (1 - fy)],
        [y0, x0 + 1, fx * (1 - fy)],
        [y0 + 1, x0, (1 - fx) * fy],
        [y0 + 1, x0 + 1, fx * fy],
      ];
      taps.forEach(([r, c, w], k) => {
        const inside = r >= 0 && r < H && c >= 0 && c < W;
        idx[k][o] = inside ? r * W + c : 0;
        wts[k][o] = inside ? w : 0; // zero padding: taps outside the image add nothing
      });
      const nx = Math.round(sx);
      const ny = Math.round(sy);
      mask[o] = nx >= 1 && nx <= W - 2 && ny >= 1 && ny <= H - 2 ? 1 : 0;
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [B, n, C]);
    let out = tf.zeros([B, n, C]);
    for (let k = 0; k < 4; k++)
      out = tf.add(out, tf.mul(tf.gather(flat, tf.tensor1d(idx[k], 'int32'), 1), tf.tensor3d(wts[k], [1, n, 1])));
    return { rotated: tf.reshape(out, [B, H, W, C]) as tf.Tensor4D, mask: tf.tensor4d(mask, [1, H, W, 1]) };
  });
}

/** PSNR in dB, 10·log10(peak²/mse), capped at EQ_MAX_DB (an MSE of 0 gives the cap, not Infinity). */
export function psnrDb(mse: number, peak = 1): number {
  if (!(mse >= 0)) throw new InputError(`psnrDb: mse must be a number ≥ 0, got ${mse}`);
  if (mse === 0) return EQ_MAX_DB;
  return Math.min(EQ_MAX_DB, 10 * Math.log10((peak * peak) / mse));
}

/**
 * EQ-R per angle (see the module comment): for each angle θ, the squared error between f(R_θ x)
 * and f(x) ('outputs') or R_θ f(x) ('rotated-outputs', masked), summed over images and outputs.
 *
 * Convention:
 *  - images: [N, H, W, 3] (or 1-channel) float32 in [0, 1] at the model's input size.
 *  - returns one row per angle, in the order given; no tensors kept.
 *  - errors: InputError for an empty angle list, non-finite angles, a peak ≤ 0, an unknown
 *    `compare`, or (for 'rotated-outputs') an output that is not H·W·C per image.
 */
export async function eqRByAngle(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  opts: EqROptions = {},
): Promise<EqRAngleRow[]> {
  checkMetricImages(images, 'eqR');
  const { compare, output, peak } = checkOptions(opts);
  const angles = opts.anglesRad ?? eqRAngles();
  if (!Array.isArray(angles) || !angles.length)
    throw new InputError('eqR: anglesRad must list at least one angle (radians)');
  for (const a of angles)
    if (!Number.isFinite(a)) throw new InputError(`eqR: anglesRad must be finite numbers (radians), got ${a}`);
  const [N, H, W] = images.shape;
  const f0 = modelOutput(model, images, output);
  const rows: EqRAngleRow[] = [];
  try {
    const K = f0.shape[1];
    const C = K / (H * W);
    if (compare === 'rotated-outputs' && !Number.isInteger(C))
      throw new InputError(
        `eqR: compare 'rotated-outputs' needs an image-like output of H·W·C = ${H}·${W}·C values per image (NHWC at the input's size), ` +
          `got ${K}; use compare 'outputs' for class outputs, or choose an output tensor at the input's resolution`,
      );
    for (const angle of angles) {
      const sums = tf.tidy(() => {
        const { rotated, mask } = rotateWithMask(images, angle);
        const f1 = modelOutput(model, rotated, output);
        if (compare === 'outputs') return tf.stack([tf.sum(tf.square(tf.sub(f1, f0))), tf.scalar(N * K)]);
        const ref = rotateWithMask(tf.reshape(f0, [N, H, W, C]) as tf.Tensor4D, angle).rotated;
        const d = tf.mul(tf.square(tf.sub(ref, tf.reshape(f1, [N, H, W, C]))), mask);
        return tf.stack([tf.sum(d), tf.mul(tf.sum(mask), N * C)]);
      });
      const [sse, count] = Array.from(await sums.data());
      sums.dispose();
      const mse = count > 0 ? sse / count : 0;
      if (!Number.isFinite(sse))
        throw new InputError(
          `eqR: the model's output is not finite at angle ${angle} rad (check the inputs and the model)`,
        );
      rows.push({ angleRad: angle, sse, count, mse, db: psnrDb(mse, peak) });
    }
  } finally {
    f0.dispose();
  }
  return rows;
}

/**
 * EQ-R in dB (higher = more equivariant), capped at EQ_MAX_DB: 10·log10(peak² / MSE) with
 * MSE = Σ_θ sse_θ / Σ_θ count_θ, StyleGAN3's pooled ratio. For 'outputs' every angle counts N·K
 * entries, so this is the plain mean of squares of f(R x) − f(x) (e2e_other.py's EQ_R before its
 * commented-out PSNR line). Same conventions and errors as eqRByAngle.
 */
export async function eqR(
  model: ModelWrapper | tf.LayersModel | tf.GraphModel,
  images: tf.Tensor4D,
  opts: EqROptions = {},
): Promise<number> {
  const rows = await eqRByAngle(model, images, opts);
  const sse = rows.reduce((s, r) => s + r.sse, 0);
  const count = rows.reduce((s, r) => s + r.count, 0);
  if (count === 0)
    throw new InputError('eqR: the rotated valid mask is empty (image smaller than 3×3?); use larger images');
  return psnrDb(sse / count, checkOptions(opts).peak);
}

function checkOptions(opts: EqROptions): { compare: EqRCompare; output: OutputMode; peak: number } {
  const compare = opts.compare ?? 'outputs';
  if (!(EQR_COMPARE as readonly string[]).includes(compare))
    throw new InputError(`eqR: compare must be one of ${EQR_COMPARE.join(', ')}, got '${compare}'`);
  const peak = opts.peak ?? 1;
  if (!(peak > 0) || !Number.isFinite(peak))
    throw new InputError(`eqR: peak must be a positive number (1 for probabilities), got ${peak}`);
  return { compare, output: opts.output ?? 'probs', peak };
}
