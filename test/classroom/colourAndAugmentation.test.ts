import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AUGMENTATION_ASSIGNMENT,
  checkConfounds,
  checkMeanInterval,
  checkPairedRatio,
  checkSmallSample,
} from '../../src/classroom/augmentationAssignment';
import {
  checkColourExplanation,
  checkColourTangent,
  checkHueGenerator,
  checkHueModels,
  COLOUR_ASSIGNMENT,
  HUE_UNITS,
} from '../../src/classroom/colourAssignment';
import { checkRng, studentSeed, variantRng } from '../../src/classroom/variant';
import { getGroup, imageTangent } from '../../src/groups';
import { rows } from '../../src/groups/generators';
import { compareMeans, meanCI, medianCI } from '../../src/stats/bootstrap';
import { setTestBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/noLeak';

const STUDENTS = ['s001', 'ada', 'bob', 'carol', 'dan'];
const colourVariant = (id: string) => COLOUR_ASSIGNMENT.variant(variantRng(studentSeed(id), COLOUR_ASSIGNMENT.id));
const augVariant = (id: string) =>
  AUGMENTATION_ASSIGNMENT.variant(variantRng(studentSeed(id), AUGMENTATION_ASSIGNMENT.id));

// Hand-derived (Rodrigues): the cross-product matrix of the unit grey axis n = (1, 1, 1)/√3, times the unit.
const s3 = 1 / Math.sqrt(3);
const hueByHand = (unit: number) =>
  [
    [0, -s3, s3],
    [s3, 0, -s3],
    [-s3, s3, 0],
  ].map((r) => r.map((v) => v * unit));
/** G·pixel at every pixel, in loops. */
function colourTangentByHand(x: tf.Tensor4D, G: number[][]): tf.Tensor4D {
  const v = x.dataSync();
  const out = new Float32Array(v.length);
  for (let p = 0; p < v.length; p += 3)
    for (let i = 0; i < 3; i++) out[p + i] = G[i][0] * v[p] + G[i][1] * v[p + 1] + G[i][2] * v[p + 2];
  return tf.tensor4d(out, x.shape);
}

describe('assignment 04: colour groups', () => {
  before(() => setTestBackend('cpu'));

  it("Q1 accepts the hand-derived hue generator in each student's unit; copying getGroup('hue').generator (radians) fails", () => {
    const units = new Set<string>();
    for (const s of STUDENTS) {
      const v = colourVariant(s);
      units.add(v.unit);
      assert.equal(checkHueGenerator(hueByHand(HUE_UNITS[v.unit]), { variant: v }).status, 'pass');
      assert.throws(() => checkHueGenerator(rows(getGroup('hue').generator), { variant: v }), /your t is in radians/);
      assert.throws(() => checkHueGenerator(hueByHand(-HUE_UNITS[v.unit]), { variant: v }), /other way/);
      assert.throws(
        () =>
          checkHueGenerator(
            [
              [1, 0, 0],
              [0, 1, 0],
              [0, 0, 1],
            ],
            { variant: v },
          ),
        /grey must stay grey/,
      );
      assert.throws(
        () => checkHueGenerator(hueByHand(3 * HUE_UNITS[v.unit]), { variant: v }),
        (e: Error) => /wrong speed/.test(e.message) && !e.message.includes(String(HUE_UNITS[v.unit])),
      );
    }
    assert.ok(units.size >= 2, 'students get different units');
  });

  it('Q2 accepts a hand-written colour tangent on random non-square images; the library call, Gᵀ and a fixed hue fail; no leak', async () => {
    for (const s of STUDENTS.slice(0, 3))
      for (const draw of [1, 2]) {
        const c = { variant: colourVariant(s), rand: checkRng(draw).rand };
        assert.equal(checkColourTangent(colourTangentByHand, c).status, 'pass');
        assert.throws(() => checkColourTangent((x) => imageTangent(x, 'hue'), c), /calls liederiv's own imageTangent/);
        assert.throws(
          () =>
            checkColourTangent(
              (x, G) =>
                colourTangentByHand(
                  x,
                  G[0].map((_, j) => G.map((r) => r[j])),
                ),
              c,
            ),
          /Gᵀ instead of G/,
        );
        assert.throws(
          () => checkColourTangent((x) => colourTangentByHand(x, hueByHand(1)), c),
          /for any G you are given/,
        );
      }
    await expectNoLeak(
      () => checkColourTangent(colourTangentByHand, { variant: colourVariant('s001'), rand: checkRng(3).rand }),
      'checkColourTangent',
    );
  });

  it('Q3 needs the paired interval of label-hue / random-hue; Q4 goes to review', () => {
    const r = checkRng(5).rand;
    const random = Array.from({ length: 30 }, (_, i) => ({ image: i, group: 'hue', lee: 0.01 + 0.01 * r() }));
    const label = random.map((x) => ({ ...x, lee: x.lee * 8 * (0.8 + 0.4 * r()) }));
    const v = { variant: colourVariant('ada') };
    const { ratio } = compareMeans(
      label.map((x) => x.lee),
      random.map((x) => x.lee),
      { paired: true, seed: v.variant.bootstrapSeed },
    );
    assert.equal(checkHueModels({ ratio, verdict: 'higher' }, random, label, v).status, 'pass');
    assert.throws(() => checkHueModels('higher', random, label, v), /a word is not enough/);
    assert.throws(
      () => checkHueModels({ ratio, verdict: 'lower' }, random, label, v),
      (e: Error) => !/'higher'/.test(e.message),
    );
    assert.equal(
      checkColourExplanation(
        'The label hue model learned a shortcut: the hue predicts the label, so it uses colour instead of shape; random hue training works like augmentation, and the ratio interval over 30 images is far above one.',
      ).status,
      'review',
    );
  });
});

describe('assignment 05: augmentation judged with intervals', () => {
  const r = checkRng(11).rand;
  const groups = ['rotate', 'translate-x', 'translate-y'];
  const plain = groups.flatMap((g) =>
    Array.from({ length: 60 }, (_, i) => ({ image: i, group: g, lee: Math.exp(3 * r()) / 100 })),
  );
  const aug = plain.map((p) => ({ ...p, lee: p.lee * (0.6 + 0.3 * r()) }));

  it("Q1 accepts meanCI with the student's seed on several students; the median and another seed fail", () => {
    for (const s of STUDENTS) {
      const v = { variant: augVariant(s) };
      const values = plain.filter((p) => p.group === v.variant.group).map((p) => p.lee);
      assert.equal(checkMeanInterval(meanCI(values, { seed: v.variant.bootstrapSeed }), plain, v).status, 'pass');
      assert.throws(
        () => checkMeanInterval(medianCI(values, { seed: v.variant.bootstrapSeed }), plain, v),
        /that is the median/,
      );
      assert.throws(
        () => checkMeanInterval(meanCI(values, { seed: v.variant.bootstrapSeed + 1 }), plain, v),
        /not the 95 % percentile-bootstrap interval/,
      );
    }
  });

  it('Q2/Q3 accept the paired ratio on all and on the first smallN images, and refuse the full-sample answer for the small sample', () => {
    for (const s of STUDENTS) {
      const v = { variant: augVariant(s) };
      const { group, bootstrapSeed, smallN } = v.variant;
      const a = aug.filter((x) => x.group === group).map((x) => x.lee);
      const p = plain.filter((x) => x.group === group).map((x) => x.lee);
      const all = compareMeans(a, p, { paired: true, seed: bootstrapSeed }).ratio;
      const small = compareMeans(a.slice(0, smallN), p.slice(0, smallN), { paired: true, seed: bootstrapSeed }).ratio;
      const vd = (i: { lo: number; hi: number }) => (i.hi < 1 ? 'lower' : i.lo > 1 ? 'higher' : 'no difference shown');
      assert.equal(checkPairedRatio({ ratio: all, verdict: vd(all) }, plain, aug, v).status, 'pass');
      assert.equal(checkSmallSample({ ratio: small, verdict: vd(small) }, plain, aug, v).status, 'pass');
      assert.throws(
        () => checkSmallSample({ ratio: all, verdict: vd(all) }, plain, aug, v),
        /not the ratio|not the paired/,
      );
    }
  });

  it('Q4: a confound-free 25-word text is review with a low score, never a pass', () => {
    const o = checkConfounds(
      'Augmentation lowered the LEE because the augmented model saw shifted digits during training and so it learned to be invariant to them in the end, clearly.',
    );
    assert.equal(o.status, 'review');
    assert.ok(o.fraction <= 0.25);
  });
});
