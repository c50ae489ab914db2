import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import { applyGroup, type Group } from '../../groups';
import type { ModelWrapper } from '../../models/model';
import type { OutputMode } from '../lieDerivative';
import { checkMetricImages, modelOutput } from './modelOutput';

export interface SampleInvarianceOptions {
  /** Half-width η of the interval of t, normalized units (DESIGN §2); default 0.1. */
  eta?: number;
  /** Number of t values, evenly spaced in [−η, η] (default 8; t = 0 contributes 0 and is skipped). */
  samples?: number;
  output?: OutputMode;
}

/**
 * Sample invariance E_t ‖f(T_t x) − f(x)‖² over t evenly spaced in [−η, η] (DESIGN §6), per image.
 * For small η it behaves like η²/3 · ‖L f(x)‖² (the Lie derivative's second-order footprint).
 *
 * Convention: images [N, H, W, 3] RGB in [0, 1]; returns N plain numbers; no tensors kept.
 */
export async function sampleInvariance(
  model: ModelWrapper | tf.LayersModel,
  images: tf.Tensor4D,
  group: string | Group,
  { eta = 0.1, samples = 8, output = 'probs' }: SampleInvarianceOptions = {},
): Promise<number[]> {
  checkMetricImages(images, 'sampleInvariance');
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new InputError(`sampleInvariance: eta must be a positive number, got ${eta}`);
  if (!Number.isInteger(samples) || samples < 2)
    throw new InputError(`sampleInvariance: samples must be an integer ≥ 2, got ${samples}`);
  const ts = Array.from({ length: samples }, (_, i) => -eta + (2 * eta * i) / (samples - 1)).filter(
    (t) => Math.abs(t) > 1e-15,
  );
  const N = images.shape[0];
  const sq = tf.tidy(() => {
    const f0 = modelOutput(model, images, output);
    const moved = modelOutput(model, applyGroup(images, group, ts), output); // t-major [T·N, K]
    const diff = tf.sub(tf.reshape(moved, [ts.length, N, -1]), tf.expandDims(f0, 0));
    // Mean over all `samples` t values: the skipped t = 0 adds a zero term.
    return tf.div(tf.sum(tf.square(diff), [0, 2]), samples);
  });
  const out = Array.from(await sq.data());
  sq.dispose();
  return out;
}
