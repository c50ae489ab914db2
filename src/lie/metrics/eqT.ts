import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import { applyGroup } from '../../groups';
import type { ModelWrapper } from '../../models/model';
import type { OutputMode } from '../lieDerivative';
import { checkMetricImages, modelOutput } from './modelOutput';
import { shiftImages } from './shift';

/** PSNR ceiling: an MSE below (float32 resolution)² is reported as this many dB, not Infinity. */
export const EQ_MAX_DB = 140;

export interface EqTOptions {
  /** Horizontal shifts in pixels: integers (circular shift) or any numbers with `fractional`. */
  shiftsPx?: number[];
  /** Fractional shifts by the bilinear sampler (translate-x in pixels, reflection borders). */
  fractional?: boolean;
  output?: OutputMode;
  /** Peak value of the output (1 for probabilities). */
  peak?: number;
}

/**
 * StyleGAN3-style EQ-T for a classifier (DESIGN §6): PSNR in dB between f(T x) and f(x) (invariance
 * of the output), 10·log10(peak² / MSE), MSE over images, shifts and outputs. Higher = more
 * invariant; capped at EQ_MAX_DB. Integer shifts are circular (exact); 'fractional' resamples.
 *
 * Convention: images [N, H, W, 3] RGB in [0, 1]; shifts in pixels; returns a number; no tensors kept.
 */
export async function eqT(
  model: ModelWrapper | tf.LayersModel,
  images: tf.Tensor4D,
  { shiftsPx, fractional = false, output = 'probs', peak = 1 }: EqTOptions = {},
): Promise<number> {
  checkMetricImages(images, 'eqT');
  const shifts = shiftsPx ?? (fractional ? [0.25, 0.5, 0.75, 1.5] : [1, 2, 3, 4]);
  if (!shifts.length) throw new InputError('eqT: shiftsPx must list at least one shift');
  const mse = tf.tidy(() => {
    const f0 = modelOutput(model, images, output);
    const moved = fractional
      ? applyGroup(images, 'translate-x', shifts, { units: 'pixels' })
      : tf.concat(
          shifts.map((s) => shiftImages(images, s, 0, 'circular')),
          0,
        );
    const f1 = tf.reshape(modelOutput(model, moved as tf.Tensor4D, output), [shifts.length, images.shape[0], -1]);
    return tf.mean(tf.square(tf.sub(f1, tf.expandDims(f0, 0))));
  });
  const m = (await mse.data())[0];
  mse.dispose();
  return Math.min(EQ_MAX_DB, 10 * Math.log10((peak * peak) / Math.max(m, 1e-300)));
}
