import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssignmentCheckError } from '../../src/classroom/assignmentCheckError';
import {
  checkAugmentationEffect,
  checkExplanation,
  checkMostSensitiveGroup,
  checkSymmetricQuotient,
  EQUIVARIANCE_ASSIGNMENT,
} from '../../src/classroom/equivarianceAssignment';
import { checkRng, studentSeed, variantRng } from '../../src/classroom/variant';
import { loadMnist } from '../../src/data/mnist';
import { applyGroup } from '../../src/groups';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { modelOutput } from '../../src/lie/metrics/modelOutput';
import { buildZooModel } from '../../src/models/zoo';
import { compareMeans } from '../../src/stats/bootstrap';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

async function rejects(fn: () => unknown, feedback: RegExp, notContaining: string[] = []): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (err: unknown) => {
      assert.ok(err instanceof AssignmentCheckError, `expected AssignmentCheckError, got ${String(err)}`);
      assert.match((err as Error).message, feedback);
      for (const s of notContaining)
        assert.ok(!(err as Error).message.includes(s), `feedback gives away '${s}': ${(err as Error).message}`);
      return true;
    },
  );
}
const variantOf = (id: string) =>
  EQUIVARIANCE_ASSIGNMENT.variant(variantRng(studentSeed(id), EQUIVARIANCE_ASSIGNMENT.id));

describe('assignment 02: measure and explain the equivariance of a model', () => {
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await setTestBackend('cpu');
    model = buildZooModel('cnn-relu', { seed: 3 });
    x = loadMnist({ split: 'test', limit: 8 }).images;
  });
  after(() => {
    model.dispose();
    x.dispose();
  });

  const sym = (m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) =>
    tf.tidy(() => tf.div(tf.sub(modelOutput(m, applyGroup(xs, g, t)), modelOutput(m, applyGroup(xs, g, -t))), 2 * t));

  it('Q1 accepts the symmetric quotient on several draws (groups, t, images); no leak', async () => {
    for (const draw of [1, 2, 3])
      assert.equal(
        (await checkSymmetricQuotient(sym as never, model, x, { rand: checkRng(draw).rand })).status,
        'pass',
      );
    await expectNoLeak(
      () => checkSymmetricQuotient(sym as never, model, x, { rand: checkRng(4).rand }),
      'checkSymmetricQuotient',
    );
  });

  it('Q1 shortcuts fail: a quotient ignoring its group, ignoring t, calling lieDerivative; and the one-sided, doubled, negated, zero mistakes', async () => {
    for (const draw of [1, 2, 3]) {
      const c = { rand: checkRng(draw).rand };
      const ignoresGroup = (m: tf.LayersModel, xs: tf.Tensor4D, _g: string, t: number) => sym(m, xs, 'rotate', t);
      const ignoresT = (m: tf.LayersModel, xs: tf.Tensor4D, g: string) => sym(m, xs, g, 1e-2);
      const ignoresBoth = (m: tf.LayersModel, xs: tf.Tensor4D) => sym(m, xs, 'rotate', 1e-2);
      await rejects(
        () => checkSymmetricQuotient(ignoresGroup as never, model, x, c),
        /ignores its group or t|not for all/,
      );
      await rejects(() => checkSymmetricQuotient(ignoresT as never, model, x, c), /not for all/);
      await rejects(() => checkSymmetricQuotient(ignoresBoth as never, model, x, c), /ignores its group or t/);
      const viaLie = async (m: tf.LayersModel, xs: tf.Tensor4D, g: string) => (await lieDerivative(m, xs, [g]))[0].lie;
      await rejects(() => checkSymmetricQuotient(viaLie as never, model, x, c), /calls liederiv's own lieDerivative/);
      const oneSided = (m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) =>
        tf.tidy(() => tf.div(tf.sub(modelOutput(m, applyGroup(xs, g, t)), modelOutput(m, xs)), t));
      await rejects(() => checkSymmetricQuotient(oneSided as never, model, x, c), /one-sided quotient/);
      await rejects(
        () =>
          checkSymmetricQuotient(
            ((m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) => tf.mul(sym(m, xs, g, t), 2)) as never,
            model,
            x,
            c,
          ),
        /constant factor/,
        ['2t', 'twice'],
      );
      await rejects(
        () =>
          checkSymmetricQuotient(
            ((m: tf.LayersModel, xs: tf.Tensor4D, g: string, t: number) => tf.neg(sym(m, xs, g, t))) as never,
            model,
            x,
            c,
          ),
        /wrong sign/,
      );
      await rejects(
        () =>
          checkSymmetricQuotient(((_m: unknown, xs: tf.Tensor4D) => tf.zeros([xs.shape[0], 10])) as never, model, x, c),
        /zero everywhere/,
      );
      await rejects(
        () =>
          checkSymmetricQuotient(
            (() => {
              throw new Error('TODO: implement');
            }) as never,
            model,
            x,
            c,
          ),
        /threw "TODO: implement"/,
      );
    }
  });

  const rows = [
    { image: 0, group: 'translate-x', lee: 0.1 },
    { image: 1, group: 'translate-x', lee: 0.3 },
    { image: 0, group: 'rotate', lee: 0.5 },
    { image: 1, group: 'rotate', lee: 0.7 },
    { image: 0, group: 'scale', lee: 0.2 },
    { image: 1, group: 'scale', lee: 0.2 },
  ];

  it('Q2 accepts the group with the largest mean LEE, and a wrong answer is not told which one is', () => {
    assert.equal(checkMostSensitiveGroup('rotate', rows).status, 'pass');
    assert.throws(
      () => checkMostSensitiveGroup('translate-x', rows),
      (e: Error) => /another group in your table has a larger mean/.test(e.message) && !/rotate/.test(e.message),
    );
    assert.throws(() => checkMostSensitiveGroup('TODO', rows), /answer with one group name/);
    assert.throws(() => checkMostSensitiveGroup('shear-y', rows), /not in your table/);
    assert.throws(() => checkMostSensitiveGroup('rotate', []), /table is empty/);
  });

  /** Two tables on the same 40 images: augmented lower by a clear margin, or hardly at all. */
  function tables(seed: number, effect: number) {
    const r = checkRng(seed).rand;
    const plain = Array.from({ length: 40 }, (_, i) => ({ image: i, group: 'translate-x', lee: 0.05 + 0.1 * r() }));
    const aug = plain.map((p) => ({ ...p, lee: p.lee * (1 - effect) * (0.9 + 0.2 * r()) }));
    return { plain, aug };
  }

  it('Q3 accepts the paired interval and its verdict for several students; a bare lower/higher, the flipped word, an unpaired or inverted interval fail without the verdict being named', () => {
    for (const s of ['s001', 'ada', 'bob'])
      for (const effect of [0.4, 0]) {
        const v = { variant: variantOf(s) };
        const { plain, aug } = tables(studentSeed(s), effect);
        const { ratio } = compareMeans(
          aug.map((a) => a.lee),
          plain.map((p) => p.lee),
          { paired: true, seed: v.variant.bootstrapSeed },
        );
        const verdict = ratio.hi < 1 ? 'lower' : ratio.lo > 1 ? 'higher' : 'no difference shown';
        if (effect > 0) assert.equal(verdict, 'lower');
        assert.equal(checkAugmentationEffect({ ratio, verdict }, plain, aug, v).status, 'pass');
        const hide = [`'${verdict}'`, `"${verdict}"`];
        for (const word of ['lower', 'higher'])
          assert.throws(
            () => checkAugmentationEffect(word, plain, aug, v),
            (e: Error) => /a word is not enough/.test(e.message),
          );
        for (const other of ['lower', 'higher', 'no difference shown'].filter((w) => w !== verdict)) {
          assert.throws(
            () => checkAugmentationEffect({ ratio, verdict: other }, plain, aug, v),
            (e: Error) =>
              /does not follow from your interval/.test(e.message) && hide.every((h) => !e.message.includes(h)),
          );
        }
        const unpaired = compareMeans(
          aug.map((a) => a.lee),
          plain.map((p) => p.lee),
          { paired: false, seed: v.variant.bootstrapSeed },
        ).ratio;
        assert.throws(() => checkAugmentationEffect({ ratio: unpaired, verdict }, plain, aug, v), /pair them/);
        const inv = compareMeans(
          plain.map((p) => p.lee),
          aug.map((a) => a.lee),
          { paired: true, seed: v.variant.bootstrapSeed },
        ).ratio;
        assert.throws(() => checkAugmentationEffect({ ratio: inv, verdict }, plain, aug, v), /other way round/);
      }
  });

  it('Q4 is never auto-passed: a 25-word text with the group and a number goes to review with a partial score; the rubric is in the export, not in the feedback', () => {
    const shortcut =
      'rotate 0.6 rotate 0.6 rotate 0.6 the rotate group is the rotate group with 0.6 and again rotate is 0.6 so rotate 0.6 rotate 0.6 it is.';
    assert.ok(shortcut.split(/\s+/).length >= 25);
    const o = checkExplanation(shortcut, rows, 'rotate');
    assert.equal(o.status, 'review');
    assert.ok(o.fraction <= 0.4, `provisional score ${o.fraction}`);
    assert.ok(!/max.?pool|alias|bilinear/i.test(o.feedback), 'the feedback names no rubric keyword');
    const rubric = o.lecturer!.rubric as Array<{ id: string; matched: boolean; note: string }>;
    assert.deepEqual(
      rubric.filter((r) => r.matched).map((r) => r.id),
      ['group', 'number'],
    );
    const good =
      'The rotate group has the largest mean LEE, 0.61 on these images, although the interval over only a few images is wide. Max pooling with stride 2 aliases sub-pixel motions, and bilinear resampling near the border adds to it, so the network is not equivariant to rotations it was never trained on.';
    const g = checkExplanation(good, rows, 'rotate');
    assert.equal(g.status, 'review');
    assert.equal(g.fraction, 1);
    assert.throws(() => checkExplanation('TODO', rows, 'rotate'), /replace the TODO/);
    assert.throws(() => checkExplanation('rotate is big, 0.6.', rows, 'rotate'), /too short/);
  });
});
