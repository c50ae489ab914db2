import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import { applyGroup, getGroup, type Difference, type Group } from '../../groups';
import type { ModelWrapper } from '../../models/model';
import { lieDerivative, type OutputMode } from '../lieDerivative';
import { checkMetricImages, modelOutput } from './modelOutput';

/** One comparison of a finite-transformation quotient with L f (compatible with src/figures FiniteRow). */
export interface FiniteQuotientRow {
  group: string;
  t: number;
  quotient: 'symmetric' | 'one-sided';
  /** Which image tangent L f used. */
  derivative: Difference;
  /** ‖quotient − L f‖ / ‖L f‖ over the whole batch. */
  relError: number;
}

/**
 * How finite transformations approach the Lie derivative as t → 0 (DESIGN §6): for each t, the
 * symmetric quotient (f(T_t x) − f(T_{−t} x))/2t against the central-difference L f, and the
 * one-sided (f(T_t x) − f(x))/t against both the central and the 'forward' L f. Bilinear
 * resampling has a kink at t = 0, so the one-sided quotient converges to the forward variant.
 * At very small t float32 cancellation dominates (error ~ 1e-7·‖f‖/(t‖L f‖)).
 *
 * Convention: images [N, H, W, 3] RGB in [0, 1]; t in normalized units (DESIGN §2), > 0;
 * returns plain rows; no tensors kept.
 */
export async function finiteQuotientErrors(
  model: ModelWrapper | tf.LayersModel,
  images: tf.Tensor4D,
  group: string | Group,
  ts: number[],
  { output = 'probs' }: { output?: OutputMode } = {},
): Promise<FiniteQuotientRow[]> {
  checkMetricImages(images, 'finiteQuotientErrors');
  const g = getGroup(group);
  if (!ts.length || ts.some((t) => !(t > 0) || !Number.isFinite(t)))
    throw new InputError(`finiteQuotientErrors: ts must be positive finite numbers, got [${ts.join(', ')}]`);
  const [central] = await lieDerivative(model, images, [g], { output, difference: 'central' });
  const [forward] = await lieDerivative(model, images, [g], { output, difference: 'forward' });
  const rows: FiniteQuotientRow[] = [];
  try {
    const f0 = modelOutput(model, images, output);
    try {
      for (const t of ts) {
        const errs = tf.tidy(() => {
          const N = images.shape[0];
          const moved = modelOutput(model, applyGroup(images, g, [t, -t]), output);
          const fPlus = tf.slice(moved, [0, 0], [N, -1]);
          const fMinus = tf.slice(moved, [N, 0], [N, -1]);
          const sym = tf.div(tf.sub(fPlus, fMinus), 2 * t);
          const one = tf.div(tf.sub(fPlus, f0), t);
          const rel = (q: tf.Tensor, l: tf.Tensor) => tf.div(tf.norm(tf.sub(q, l)), tf.norm(l));
          return tf.stack([rel(sym, central.lie), rel(one, central.lie), rel(one, forward.lie)]);
        });
        const [symC, oneC, oneF] = Array.from(await errs.data());
        errs.dispose();
        rows.push(
          { group: g.name, t, quotient: 'symmetric', derivative: 'central', relError: symC },
          { group: g.name, t, quotient: 'one-sided', derivative: 'central', relError: oneC },
          { group: g.name, t, quotient: 'one-sided', derivative: 'forward', relError: oneF },
        );
      }
    } finally {
      f0.dispose();
    }
  } finally {
    tf.dispose([central.lie, forward.lie]);
  }
  return rows;
}
