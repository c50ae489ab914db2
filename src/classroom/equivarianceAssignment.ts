/**
 * Assignment 02 (measure and explain the equivariance of a model you train): the symmetric finite
 * quotient (checked at random t, on random images, for several groups), reading a LEE table, the
 * effect of augmentation judged with a paired bootstrap interval, and an explanation graded by a
 * rubric a person reads. Expected values are computed from the student's own model and rows.
 */
import * as tf from '@tensorflow/tfjs';
import { applyGroup, GROUP_NAMES } from '../groups';
import { lieDerivative } from '../lie/lieDerivative';
import { modelOutput } from '../lie/metrics/modelOutput';
import type { ModelWrapper } from '../models/model';
import {
  AssignmentCheckError,
  callStudent,
  passed,
  refuseReferenceCalls,
  type CheckOutcome,
} from './assignmentCheckError';
import { checkAugmentationVerdict, type LeeLike } from './augmentationCheck';
import { gradeFreeText, keywordConcept, quotesNumber, type Concept } from './rubric';
import type { AssignmentSpec, CheckContext } from './session';
import { intIn, pickDistinct, uniform, type Rand } from './variant';

type Model = ModelWrapper | tf.LayersModel;
/** What the student writes: the symmetric quotient (f(T_t x) − f(T_{−t} x)) / 2t of the probabilities. */
export type QuotientFn = (model: Model, x: tf.Tensor4D, group: string, t: number) => tf.Tensor;

export interface EquivarianceVariant {
  /** The groups of the student's LEE table (Q2). */
  groups: string[];
  /** The seed of the student's bootstrap (Q3). */
  bootstrapSeed: number;
}

const SPATIAL_FOR_MNIST = ['translate-x', 'translate-y', 'rotate', 'shear-x', 'shear-y', 'scale', 'stretch-x'];

export const EQUIVARIANCE_ASSIGNMENT: AssignmentSpec<EquivarianceVariant> = {
  id: '02-model-equivariance',
  title: 'Measure and explain the equivariance of a model you train',
  checks: [
    { id: 'Q1', title: 'the symmetric quotient', points: 3 },
    { id: 'Q2', title: 'the most sensitive group', points: 1 },
    { id: 'Q3', title: 'the effect of augmentation, with its interval', points: 3 },
    { id: 'Q4', title: 'your explanation', points: 3 },
  ],
  variant: (rand: Rand) => ({
    groups: [
      'translate-x',
      ...pickDistinct(
        rand,
        SPATIAL_FOR_MNIST.filter((g) => g !== 'translate-x'),
        4,
      ),
    ],
    bootstrapSeed: intIn(rand, 1, 9999),
  }),
};

export const QUOTIENT_REFERENCES = ['lieDerivative', 'jvp', 'jvpFiniteDifference', 'lee', 'imageTangent'];

const rel = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.norm(tf.sub(a, b)), tf.add(tf.norm(b), 1e-12));

/**
 * Q1: the student's quotient against the grader's at three (group, t) pairs drawn per check —
 * three different spatial groups, one t in [0.1, 0.3] and two in [3e-3, 3e-2] — on 4 images drawn
 * from `images`. A quotient that ignores `group` or `t` returns the same tensor twice and fails.
 */
export async function checkSymmetricQuotient(
  fn: QuotientFn,
  model: Model,
  images: tf.Tensor4D,
  { rand }: Pick<CheckContext<unknown>, 'rand'>,
): Promise<CheckOutcome> {
  const q = 'Q1 the symmetric quotient';
  if (typeof fn !== 'function')
    throw new AssignmentCheckError(q, `expected a function (model, x, group, t) => tensor, got ${typeof fn}`);
  refuseReferenceCalls(q, fn, QUOTIENT_REFERENCES);
  const groups = pickDistinct(rand, SPATIAL_FOR_MNIST, 3);
  const ts = [uniform(rand, 0.1, 0.3), uniform(rand, 3e-3, 3e-2), uniform(rand, 3e-3, 3e-2)];
  const n = Math.min(4, images.shape[0]);
  const idx = pickDistinct(
    rand,
    Array.from({ length: images.shape[0] }, (_, i) => i),
    n,
  );
  const x = tf.tidy(() => tf.gather(images, idx)) as tf.Tensor4D;
  const outs: tf.Tensor[] = [];
  try {
    for (let k = 0; k < 3; k++) {
      const got = callStudent(q, 'your quotient function', () => tf.tidy(() => fn(model, x.clone(), groups[k], ts[k])));
      if (!(got instanceof tf.Tensor)) throw new AssignmentCheckError(q, `expected a tf.Tensor, got ${typeof got}`);
      outs.push(got);
    }
    const [errs, oneSided, doubled, negated, norms, same01, same12] = tf.tidy(() => {
      const f0 = modelOutput(model, x);
      const per = groups.map((g, k) => {
        const fPlus = modelOutput(model, applyGroup(x, g, ts[k]));
        const fMinus = modelOutput(model, applyGroup(x, g, -ts[k]));
        const sym = tf.div(tf.sub(fPlus, fMinus), 2 * ts[k]);
        if (outs[k].size !== sym.size)
          throw new AssignmentCheckError(
            q,
            `expected one value per image and class, [${sym.shape.join(', ')}], got [${outs[k].shape.join(', ')}]`,
          );
        const g2 = tf.reshape(tf.cast(outs[k], 'float32'), sym.shape);
        return { g2, sym, one: tf.div(tf.sub(fPlus, f0), ts[k]) };
      });
      const val = (t: tf.Tensor) => t.dataSync()[0];
      return [
        per.map((p) => val(rel(p.g2, p.sym))),
        per.map((p) => val(rel(p.g2, p.one))),
        per.map((p) => val(rel(p.g2, tf.mul(p.sym, 2)))),
        per.map((p) => val(rel(p.g2, tf.neg(p.sym)))),
        per.map((p) => val(tf.norm(p.g2))),
        val(tf.max(tf.abs(tf.sub(per[0].g2, per[1].g2)))),
        val(tf.max(tf.abs(tf.sub(per[1].g2, per[2].g2)))),
      ] as [number[], number[], number[], number[], number[], number, number];
    });
    if (errs.every((e) => e < 1e-3))
      return passed(
        `right for three groups at three values of t (worst relative error ${Math.max(...errs).toExponential(1)}).`,
        { groups, ts },
      );
    if (norms.every((v) => v === 0))
      throw new AssignmentCheckError(
        q,
        'your quotient is zero everywhere: transform the images both ways, take the difference of the model outputs, and divide by the distance between the two parameters.',
      );
    if (same01 === 0 || same12 === 0)
      throw new AssignmentCheckError(
        q,
        'your function returned exactly the same values for two different (group, t): it ignores its group or t argument.',
      );
    const all = (v: number[]) => v.every((e) => e < 1e-3);
    if (all(oneSided))
      throw new AssignmentCheckError(
        q,
        'you computed a one-sided quotient. Bilinear resampling has a kink at t = 0, so a one-sided quotient converges to a one-sided derivative, not to L f: which quotient is symmetric about t = 0?',
      );
    if (all(doubled))
      throw new AssignmentCheckError(
        q,
        'your quotient is off by a constant factor: what is the distance between the two parameters you compare?',
      );
    if (all(negated))
      throw new AssignmentCheckError(
        q,
        'your quotient has the wrong sign: which transformed output comes first in the difference?',
      );
    const bad = errs.findIndex((e) => e >= 1e-3);
    throw new AssignmentCheckError(
      q,
      `right for some (group, t) but not for all (it failed for one of the groups at t ≈ ${ts[bad].toPrecision(2)}): use the group and t you are given for both sides, the model's probabilities, and the transformation that group defines.`,
    );
  } finally {
    tf.dispose([x, ...outs]);
  }
}

export function meanByGroup(rows: LeeLike[]): Map<string, number> {
  const sums = new Map<string, { s: number; n: number }>();
  for (const r of rows) {
    const e = sums.get(r.group) ?? { s: 0, n: 0 };
    e.s += r.lee;
    e.n++;
    sums.set(r.group, e);
  }
  return new Map([...sums].map(([g, e]) => [g, e.s / e.n]));
}

/** Q2: which group breaks the model's invariance most (largest mean LEE in the student's table). */
export function checkMostSensitiveGroup(answer: unknown, rows: LeeLike[]): CheckOutcome {
  const q = 'Q2 the most sensitive group';
  if (!Array.isArray(rows) || rows.length === 0)
    throw new AssignmentCheckError(
      q,
      'the LEE table is empty: run lee(model, data, { groups }) first and pass its rows.',
    );
  const means = meanByGroup(rows);
  if (typeof answer !== 'string' || !(GROUP_NAMES as readonly string[]).includes(answer)) {
    throw new AssignmentCheckError(
      q,
      `answer with one group name from your table (${[...means.keys()].join(', ')}); got ${JSON.stringify(answer)}`,
    );
  }
  if (!means.has(answer))
    throw new AssignmentCheckError(q, `'${answer}' is not in your table; it has ${[...means.keys()].join(', ')}`);
  const best = [...means].sort((a, b) => b[1] - a[1])[0][0];
  if (answer !== best)
    throw new AssignmentCheckError(
      q,
      `another group in your table has a larger mean LEE than '${answer}'. Average the 'lee' column per group and compare all of them.`,
    );
  return passed(`${best} has the largest mean LEE in your table.`);
}

/** Q3: augmented vs plain translate-x LEE, judged by the paired bootstrap interval of the ratio. */
export function checkAugmentationEffect(
  answer: unknown,
  plain: LeeLike[],
  augmented: LeeLike[],
  { variant }: Pick<CheckContext<EquivarianceVariant>, 'variant'>,
  group = 'translate-x',
): CheckOutcome {
  return checkAugmentationVerdict(
    'Q3 the effect of augmentation',
    answer,
    plain,
    augmented,
    group,
    variant.bootstrapSeed,
  );
}

/** The rubric of Q4 (the lecturer sees it in the export and in RUBRICS.md). */
export function explanationRubric(rows: LeeLike[], group: string): Concept[] {
  const m = meanByGroup(rows).get(group) ?? NaN;
  return [
    keywordConcept(
      'group',
      'Which transformation did you find hurts most?',
      `names the most sensitive group of Q2 ('${group}')`,
      [new RegExp(group.replace('-', '[- ]?'))],
    ),
    quotesNumber('number', 'Which measured number supports that?', m),
    keywordConcept(
      'mechanism',
      'Which operation inside the network breaks the symmetry, and how?',
      'a mechanism: max-pooling / strided subsampling (aliasing), or the dense head / flatten that ties features to positions',
      [/max.?pool/, /pooling/, /stride/, /subsampl/, /downsampl/, /alias/, /dense|fully.connected|flatten/],
    ),
    keywordConcept(
      'continuous',
      'Why is a CNN not exactly equivariant even to translations, when convolutions are?',
      'the transformations are continuous (sub-pixel, bilinear resampling, boundaries), and nonlinearities/pooling break equivariance between grid shifts',
      [/sub.?pixel/, /bilinear|interpolat/, /border|boundar|padding/, /relu|nonlinear/, /continuous/],
    ),
    keywordConcept(
      'uncertainty',
      'How sure are you, given how many images you measured?',
      'mentions the sample size or uncertainty of the means (interval, spread, few images, outliers)',
      [/interval|\bCI\b|confiden|uncertain|significan|spread|outlier|sample|images/],
    ),
  ];
}

/** Q4: free text, graded by the rubric; always 'review' (a person reads it). */
export function checkExplanation(text: unknown, rows: LeeLike[], group: string): CheckOutcome {
  return gradeFreeText('Q4 your explanation', text, explanationRubric(rows, group));
}

/**
 * For the handout's plot: the relative gap ‖q_t − L f‖/‖L f‖ between the student's quotient at each
 * t and the Lie derivative (computed here, so the handout need not import lieDerivative).
 */
export async function quotientGaps(
  fn: QuotientFn,
  model: Model,
  x: tf.Tensor4D,
  group: string,
  ts: number[],
): Promise<number[]> {
  const [{ lie }] = await lieDerivative(model, x, [group]);
  try {
    return ts.map((t) =>
      tf.tidy(() => rel(tf.reshape(tf.cast(fn(model, x, group, t), 'float32'), lie.shape), lie).dataSync()[0]),
    );
  } finally {
    lie.dispose();
  }
}
