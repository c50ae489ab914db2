/**
 * Checks for assignment 02 (measure and explain the equivariance of a model you train): the
 * symmetric finite quotient, reading a LEE table, the effect of augmentation, and an explanation
 * grounded in the numbers. Expected values are computed from the student's own model and rows.
 */
import * as tf from '@tensorflow/tfjs';
import { applyGroup, getGroup, GROUP_NAMES } from '../groups';
import { lieDerivative } from '../lie/lieDerivative';
import { modelOutput } from '../lie/metrics/modelOutput';
import type { ModelWrapper } from '../models/model';
import { AssignmentCheckError, callStudent, passed, stdoutLog, type CheckLog } from './assignmentCheckError';

type Model = ModelWrapper | tf.LayersModel;
/** What the student writes: the symmetric quotient (f(T_t x) − f(T_{−t} x)) / 2t of the probabilities. */
export type QuotientFn = (model: Model, x: tf.Tensor4D, group: string, t: number) => tf.Tensor;

/**
 * Q1: the symmetric quotient at t = 1e-2 on the given images, checked against the same quotient
 * computed here (tolerance 1e-3: the same float32 ops in another order); the ✓ line also says how
 * far it is from the Lie derivative (max-pool/ReLU kinks and float32 cancellation keep that gap
 * at several % on MNIST, which notebook 07 explores).
 */
export async function checkSymmetricQuotient(fn: QuotientFn, model: Model, images: tf.Tensor4D, log: CheckLog = stdoutLog): Promise<string> {
  const q = 'Q1 the symmetric quotient';
  if (typeof fn !== 'function') throw new AssignmentCheckError(q, `expected a function (model, x, group, t) => tensor, got ${typeof fn}`);
  const group = 'rotate';
  const t = 1e-2;
  const x = images.slice([0], [Math.min(8, images.shape[0])]) as tf.Tensor4D;
  const [{ lie }] = await lieDerivative(model, x, [group]);
  let got: tf.Tensor | undefined;
  try {
    got = callStudent(q, 'your quotient function', () => fn(model, x, group, t));
    if (!(got instanceof tf.Tensor)) throw new AssignmentCheckError(q, `expected a tf.Tensor, got ${typeof got}`);
    if (got.size !== lie.size) throw new AssignmentCheckError(q, `expected one value per image and class, [${lie.shape.join(', ')}], got [${got.shape.join(', ')}]`);
    const [err, oneSidedErr, halfErr, signErr, norm, lieErr] = tf.tidy(() => {
      const g = tf.reshape(got as tf.Tensor, lie.shape);
      const f0 = modelOutput(model, x);
      const fPlus = modelOutput(model, applyGroup(x, group, t));
      const fMinus = modelOutput(model, applyGroup(x, group, -t));
      const sym = tf.div(tf.sub(fPlus, fMinus), 2 * t);
      const oneSided = tf.div(tf.sub(fPlus, f0), t);
      const rel = (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b));
      return [rel(g, sym), rel(g, oneSided), rel(g, tf.mul(sym, 2)), rel(g, tf.neg(sym)), tf.norm(g), rel(g, lie)].map((v) => v.dataSync()[0]);
    });
    if (err < 1e-3) {
      return passed(q, `your quotient at t = ${t} is right; it is ${(100 * lieErr).toFixed(1)} % away from lieDerivative (rotate, probs) — see how that gap shrinks with t below.`, log);
    }
    if (norm === 0) throw new AssignmentCheckError(q, 'your quotient is zero everywhere. Transform the images with applyGroup(x, group, t) and applyGroup(x, group, -t), take the difference of the model outputs, divide by 2t.');
    if (oneSidedErr < 1e-3) throw new AssignmentCheckError(q, `you computed the one-sided quotient (f(T_t x) − f(x))/t. Bilinear resampling has a kink at t = 0, so it converges to a one-sided derivative, not to L f: use (f(T_t x) − f(T_−t x))/2t.`);
    if (halfErr < 1e-3) throw new AssignmentCheckError(q, 'your quotient is twice too large: divide the difference by 2t, the distance between −t and t.');
    if (signErr < 1e-3) throw new AssignmentCheckError(q, 'your quotient has the wrong sign: it is f(T_t x) − f(T_−t x), in this order.');
    throw new AssignmentCheckError(q, `your quotient is ${(100 * err).toFixed(1)} % away from (f(T_t x) − f(T_−t x))/2t. Are you using the model's probabilities (modelOutput(model, x)), the same t for both sides, and applyGroup for the transformation?`);
  } finally {
    tf.dispose([x, lie, ...(got instanceof tf.Tensor ? [got] : [])]);
  }
}

interface LeeLike {
  group: string;
  lee: number;
  model?: string;
}

function meanByGroup(rows: LeeLike[]): Map<string, number> {
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
export function checkMostSensitiveGroup(answer: unknown, rows: LeeLike[], log: CheckLog = stdoutLog): string {
  const q = 'Q2 the most sensitive group';
  if (!Array.isArray(rows) || rows.length === 0) throw new AssignmentCheckError(q, 'the LEE table is empty: run lee(model, data, {groups}) first and pass its rows.');
  const means = meanByGroup(rows);
  if (typeof answer !== 'string' || !(GROUP_NAMES as readonly string[]).includes(answer)) {
    throw new AssignmentCheckError(q, `answer with one group name from your table (${[...means.keys()].join(', ')}); got ${JSON.stringify(answer)}`);
  }
  if (!means.has(answer)) throw new AssignmentCheckError(q, `'${answer}' is not in your table; it has ${[...means.keys()].join(', ')}`);
  const [best, bestMean] = [...means].sort((a, b) => b[1] - a[1])[0];
  if (answer !== best) {
    throw new AssignmentCheckError(q, `'${answer}' has mean LEE ${means.get(answer)!.toPrecision(3)}, but another group in your table has a larger one. Average the 'lee' column per group (e.g. with a danfo groupby) and compare.`);
  }
  return passed(q, `${best} has the largest mean LEE (${bestMean.toPrecision(3)}).`, log);
}

/** Q3: did translation augmentation lower or raise the translate-x LEE? (answer from the two tables) */
export function checkAugmentationEffect(answer: unknown, plain: LeeLike[], augmented: LeeLike[], group = 'translate-x', log: CheckLog = stdoutLog): string {
  const q = 'Q3 the effect of augmentation';
  getGroup(group);
  const a = meanByGroup(plain).get(group);
  const b = meanByGroup(augmented).get(group);
  if (a === undefined || b === undefined) throw new AssignmentCheckError(q, `both tables need rows for '${group}'`);
  if (answer !== 'lower' && answer !== 'higher') throw new AssignmentCheckError(q, `answer 'lower' or 'higher' (the augmented model's ${group} LEE compared with the plain one); got ${JSON.stringify(answer)}`);
  const truth = b < a ? 'lower' : 'higher';
  if (answer !== truth) throw new AssignmentCheckError(q, `your tables say otherwise: compare the mean ${group} LEE of the two models (plain vs augmented), not their accuracies.`);
  return passed(q, `the augmented model's ${group} LEE is ${truth} (${b.toPrecision(3)} vs ${a.toPrecision(3)}, ratio ${(b / a).toPrecision(3)}).`, log);
}

/**
 * Q4: an explanation grounded in the numbers: at least 25 words, naming the group of Q2 and
 * quoting its mean LEE (any number within 10 % of it).
 */
export function checkExplanation(text: unknown, rows: LeeLike[], group: string, log: CheckLog = stdoutLog): string {
  const q = 'Q4 your explanation';
  if (typeof text !== 'string' || text.trim() === '' || /TODO/.test(text)) throw new AssignmentCheckError(q, 'write your explanation as a string (replace the TODO).');
  const words = text.trim().split(/\s+/).length;
  if (words < 25) throw new AssignmentCheckError(q, `${words} words is too short: explain in at least 25 words what the numbers show and why (which layers or training choices could cause it).`);
  if (!text.includes(group)) throw new AssignmentCheckError(q, `name the group you found in Q2 ('${group}') in your explanation.`);
  const m = meanByGroup(rows).get(group);
  if (m === undefined) throw new AssignmentCheckError(q, `your table has no rows for '${group}'`);
  const numbers = (text.match(/[-+]?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? []).map(Number);
  if (!numbers.some((v) => Math.abs(v - m) <= 0.1 * Math.abs(m))) {
    throw new AssignmentCheckError(q, `quote the measured mean LEE of ${group} (within 10 %) so your explanation is grounded in your numbers.`);
  }
  return passed(q, `${words} words, grounded in the measured ${group} LEE.`, log);
}
