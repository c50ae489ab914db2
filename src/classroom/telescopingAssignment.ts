/**
 * Assignment 03 (the layer-wise telescoping sum, DESIGN §5): the student writes each layer's
 * contribution C_i = J_{>i}(h_i)·δ_i with the defect δ_i = J_{φ_i}(h_{i−1})·D h_{i−1} − D h_i, checks
 * that Σ_i C_i = L f, and reads which layer breaks equivariance most. Checked on random test
 * digits and several groups per run against the grader's own composition of the same tools and
 * the Lie derivative L f; a "contribution" list that puts all of L f in one layer sums right and
 * still fails.
 */
import * as tf from '@tensorflow/tfjs';
import { lieDerivative } from '../lie/lieDerivative';
import {
  AssignmentCheckError,
  callStudent,
  passed,
  refuseReferenceCalls,
  type CheckOutcome,
} from './assignmentCheckError';
import { layerTools, type LayerTools } from './layerTools';
import { gradeFreeText, keywordConcept, type Concept } from './rubric';
import type { AssignmentSpec, CheckContext } from './session';
import { pickDistinct, type Rand } from './variant';

export interface TelescopingVariant {
  /** The group of the student's layer table (Q3). */
  group: string;
}

const GROUPS = ['translate-x', 'translate-y', 'rotate', 'scale', 'shear-x'];

export const TELESCOPING_ASSIGNMENT: AssignmentSpec<TelescopingVariant> = {
  id: '03-layerwise-telescoping',
  title: 'Which layer breaks equivariance? The telescoping sum',
  checks: [
    { id: 'Q1', title: 'the layer contributions', points: 4 },
    { id: 'Q2', title: 'the telescoping sum', points: 2 },
    { id: 'Q3', title: 'the layer that contributes most', points: 1 },
    { id: 'Q4', title: 'your explanation', points: 3 },
  ],
  variant: (rand: Rand) => ({ group: pickDistinct(rand, GROUPS, 1)[0] }),
};

export type ContributionsFn = (tools: LayerTools, x: tf.Tensor4D, group: string) => tf.Tensor;
export const TELESCOPING_REFERENCES = ['layerContributions', 'layerwise', 'lieDerivative', 'layerDefectMaps'];

/** The grader's C [L, N, K]: the same formula, composed here. */
export function referenceContributions(tools: LayerTools, x: tf.Tensor4D, group: string): tf.Tensor3D {
  const hs = tools.outputs(x);
  try {
    const D = hs.map((h, i) => tools.generatorOn(h, group, i === 0));
    const parts: tf.Tensor[] = [];
    try {
      for (let i = 1; i < hs.length; i++) {
        const pushed = tools.layerJvp(i, hs[i - 1], D[i - 1]);
        const delta = tf.sub(pushed, D[i]);
        parts.push(tools.tailJvp(i, hs[i], delta));
        tf.dispose([pushed, delta]);
      }
      return tf.stack(parts) as tf.Tensor3D;
    } finally {
      tf.dispose([...D, ...parts]);
    }
  } finally {
    tf.dispose(hs);
  }
}

const relOf = (a: () => tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.div(tf.norm(tf.sub(a(), b)), tf.add(tf.norm(b), 1e-12)).dataSync()[0]);

/**
 * Q1: the student's contributions(tools, x, group) → [L, N, K] on 3 random digits of `images`, for
 * two groups drawn per run; each layer's slice must match the grader's (relative 1e-3 of ‖L f‖).
 */
export async function checkContributions(
  fn: ContributionsFn,
  model: tf.LayersModel,
  images: tf.Tensor4D,
  { rand }: Pick<CheckContext<unknown>, 'rand'>,
): Promise<CheckOutcome> {
  const q = 'Q1 the layer contributions';
  if (typeof fn !== 'function')
    throw new AssignmentCheckError(q, `expected a function (tools, x, group) => tensor [L, N, K], got ${typeof fn}`);
  refuseReferenceCalls(q, fn, TELESCOPING_REFERENCES);
  const tools = layerTools(model);
  const L = tools.names.length;
  const idx = pickDistinct(
    rand,
    Array.from({ length: images.shape[0] }, (_, i) => i),
    Math.min(3, images.shape[0]),
  );
  const x = tf.tidy(() => tf.gather(images, idx)) as tf.Tensor4D;
  const groups = pickDistinct(rand, GROUPS, 2);
  const outs: tf.Tensor[] = [];
  try {
    const got = groups.map((g) => {
      const c = callStudent(q, 'your contributions function', () => tf.tidy(() => fn(tools, x.clone(), g)));
      if (!(c instanceof tf.Tensor))
        throw new AssignmentCheckError(q, `expected a tf.Tensor [L, N, K], got ${typeof c}`);
      outs.push(c);
      return c;
    });
    for (let k = 0; k < groups.length; k++) {
      const want = referenceContributions(tools, x, groups[k]);
      outs.push(want);
      const [, N, K] = want.shape;
      if (got[k].shape.join() !== want.shape.join())
        throw new AssignmentCheckError(
          q,
          `expected one contribution per layer, image and class, [L = ${L}, N = ${N}, K = ${K}], got [${got[k].shape.join(', ')}]`,
        );
      const [lf] = await lieDerivative(model, x, [groups[k]]);
      outs.push(lf.lie);
      const sumErr = relOf(() => tf.sum(got[k], 0), lf.lie);
      const lfNorm = tf.tidy(() => tf.norm(lf.lie).dataSync()[0]);
      const perLayer = Array.from({ length: L }, (_, i) =>
        tf.tidy(
          () => tf.norm(tf.sub(tf.gather(got[k], i), tf.gather(want, i))).dataSync()[0] / Math.max(lfNorm, 1e-12),
        ),
      );
      const bad = perLayer.findIndex((e) => e > 1e-3);
      if (bad < 0) continue;
      if (sumErr < 1e-3) {
        throw new AssignmentCheckError(
          q,
          `your contributions sum to L f, but not layer by layer (layer ${bad + 1}, '${tools.names[bad]}', is off): each C_i is the defect of layer i pushed through the rest of the network, not any split of L f.`,
        );
      }
      const negErr = relOf(() => tf.neg(got[k]), want);
      if (negErr < 1e-3)
        throw new AssignmentCheckError(
          q,
          'your contributions have the opposite sign: the defect is (what layer i does to the transformed input) − (the transformation of its output).',
        );
      if (k > 0 && relOf(() => got[k], got[0]) < 1e-6)
        throw new AssignmentCheckError(
          q,
          'you returned the same contributions for two different groups: use the group argument for every D.',
        );
      throw new AssignmentCheckError(
        q,
        `layer ${bad + 1} ('${tools.names[bad]}') is off for one of the test groups: δ_i = J_{φ_i}(h_{i−1})·D h_{i−1} − D h_i, and C_i = J_{>i}(h_i)·δ_i. Is D at the input the image tangent, and D on each h_i at its own resolution?`,
      );
    }
    return passed(`right, layer by layer, for ${groups.join(' and ')} on ${idx.length} random digits.`);
  } finally {
    tf.dispose([x, ...outs]);
    tools.dispose();
  }
}

/** Q2: the student's telescoping gap ‖Σ C_i − L f‖ / ‖L f‖ for their group, within 10× of the grader's (both tiny). */
export function checkTelescopingGap(answer: unknown, measured: { gap: number }): CheckOutcome {
  const q = 'Q2 the telescoping sum';
  if (typeof answer !== 'number' || !Number.isFinite(answer) || answer < 0)
    throw new AssignmentCheckError(
      q,
      `expected the relative gap ‖Σ C_i − L f‖ / ‖L f‖ as a number ≥ 0, got ${JSON.stringify(answer)}`,
    );
  if (answer > 1e-3)
    throw new AssignmentCheckError(
      q,
      'your sum of contributions is not L f. The sum telescopes: write Σ_i J_{>i} δ_i out for two layers and see which terms cancel; then check L f is J_f·D x (D f = 0 for class probabilities).',
    );
  if (measured.gap > 1e-3)
    throw new AssignmentCheckError(
      q,
      'your reported gap is small, but your contributions do not sum to L f: report the gap you computed.',
    );
  return passed(`Σ C_i = L f to a relative ${answer.toExponential(1)} (float32 round-off).`);
}

/** Q3: the layer with the largest mean ‖C_i‖² over the student's images (from the student's table). */
export function checkLargestLayer(answer: unknown, table: Array<{ layer: string; meanSqNorm: number }>): CheckOutcome {
  const q = 'Q3 the layer that contributes most';
  if (!Array.isArray(table) || !table.length) throw new AssignmentCheckError(q, 'your layer table is empty.');
  const names = table.map((r) => r.layer);
  if (typeof answer !== 'string' || !names.includes(answer))
    throw new AssignmentCheckError(
      q,
      `answer with a layer name from your table (${names.join(', ')}); got ${JSON.stringify(answer)}`,
    );
  const best = [...table].sort((a, b) => b.meanSqNorm - a.meanSqNorm)[0].layer;
  if (answer !== best)
    throw new AssignmentCheckError(q, `another layer in your table has a larger mean ‖C_i‖² than '${answer}'.`);
  return passed(`${best} contributes most in your table.`);
}

export function telescopingRubric(): Concept[] {
  return [
    keywordConcept(
      'pooling',
      'Which kind of layer breaks equivariance, and by what mechanism?',
      'max-pooling / stride-2 subsampling aliases (not equivariant to sub-pixel shifts); ReLU is pointwise and commutes with the group',
      [/pool|stride|subsampl|downsampl|alias/],
    ),
    keywordConcept(
      'conv',
      'Why do (some) convolution layers contribute little to translations?',
      'convolution commutes with translation (up to borders); for rotate/scale the learned filters are not rotation-equivariant',
      [/convolution|conv\b|conv\d|filter|kernel/],
    ),
    keywordConcept(
      'telescoping',
      'Why must the contributions add up to L f?',
      'the sum telescopes by the chain rule, so the split is exact, not an approximation',
      [/telescop|chain rule|cancel/],
    ),
    keywordConcept(
      'dense',
      'What happens at the flatten / dense layers, where D = 0?',
      'no spatial structure after flatten: D = 0, so the first dense layer carries the pushed-forward defect of everything before it',
      [/flatten|dense|fully.connected|D = 0|no spatial/],
    ),
  ];
}

export function checkTelescopingExplanation(text: unknown): CheckOutcome {
  return gradeFreeText('Q4 your explanation', text, telescopingRubric());
}
