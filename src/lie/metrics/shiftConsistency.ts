import * as tf from '@tensorflow/tfjs';
import type { ModelWrapper } from '../../models/model';
import type { OutputMode } from '../lieDerivative';
import { checkMetricImages, modelOutput } from './modelOutput';
import { shiftImages, type ShiftMode } from './shift';

export interface ShiftConsistencyOptions {
  /** Horizontal shifts in pixels (default 1..4). */
  shiftsPx?: number[];
  mode?: ShiftMode;
  /** Shift along 'x' (columns, default) or 'y' (rows). */
  axis?: 'x' | 'y';
}

/**
 * Consistency of the top-1 prediction under integer shifts (DESIGN §6): the fraction of
 * (image, shift) pairs whose argmax is unchanged. 1 for a model that is invariant to the shifts.
 *
 * Convention: images [N, H, W, 3] RGB in [0, 1]; shifts in pixels; returns plain numbers, no tensors kept.
 */
export async function shiftConsistency(
  model: ModelWrapper | tf.LayersModel,
  images: tf.Tensor4D,
  { shiftsPx = [1, 2, 3, 4], mode = 'circular', axis = 'x' }: ShiftConsistencyOptions = {},
): Promise<{ consistency: number; perShift: Array<{ shiftPx: number; consistency: number }> }> {
  checkMetricImages(images, 'shiftConsistency');
  const base = tf.tidy(() => tf.argMax(modelOutput(model, images, 'probs'), 1));
  const ref = (await base.data()) as Int32Array;
  base.dispose();
  const perShift: Array<{ shiftPx: number; consistency: number }> = [];
  for (const s of shiftsPx) {
    const pred = tf.tidy(() => {
      const shifted = axis === 'x' ? shiftImages(images, s, 0, mode) : shiftImages(images, 0, s, mode);
      return tf.argMax(modelOutput(model, shifted, 'probs' as OutputMode), 1);
    });
    const p = (await pred.data()) as Int32Array;
    pred.dispose();
    let same = 0;
    for (let i = 0; i < p.length; i++) if (p[i] === ref[i]) same++;
    perShift.push({ shiftPx: s, consistency: same / p.length });
  }
  return { consistency: perShift.reduce((a, r) => a + r.consistency, 0) / perShift.length, perShift };
}
