import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyTrend,
  averageOver,
  compareSamples,
  contradicts,
  pearson,
  ranks,
  slope,
  spearman,
  summarizeSample,
} from '../../src/science/claims';
import { borderSpeed, perBorderPixel } from '../../src/science/scales';
import { mulberry32 } from '../../src/data/rng';
import { InputError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

const noise = (n: number, seed: number, scale = 1) => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => scale * (r() - 0.5));
};

describe('generated claims (src/science/claims)', () => {
  it('claims a difference only when the paired interval excludes 0, and says so in the sentence', () => {
    const b = noise(400, 1).map((x) => 1 + x);
    const shifted = b.map((x, i) => x + 0.05 + 0.01 * noise(400, 2)[i]);
    const c = compareSamples(shifted, b, { a: 'A', b: 'B', what: 'test' }, { paired: true });
    assert.equal(c.verdict, 'higher');
    assert.ok(c.diff.lo > 0 && c.diff.lo < TOL.claimsIntervalEdge && c.diff.hi > TOL.claimsIntervalEdge);
    assert.match(c.sentence, /A is higher than B/);
    assert.match(c.sentence, /excludes 0; 400 shared images/);
    // The same shift is not shown with an unpaired comparison of such noisy samples of 10 values.
    const few = compareSamples(
      noise(10, 5).map((x) => 1.05 + x),
      noise(10, 6).map((x) => 1 + x),
      { a: 'A', b: 'B', what: 'test' },
    );
    assert.equal(few.verdict, 'no difference shown');
    assert.match(few.sentence, /no difference shown between A and B.*contains 0/);
  });

  it('summarizes a skewed sample with its median and max/mean', () => {
    const v = [...Array(99).fill(1), 1000];
    const s = summarizeSample(v);
    assert.equal(s.median.estimate, 1);
    assert.ok(Math.abs(s.mean.estimate - 10.99) < TOL.float64Accumulated);
    assert.ok(Math.abs(s.maxOverMean - 1000 / 10.99) < TOL.float64Accumulated);
  });

  it('slope and Pearson r match closed forms', () => {
    assert.ok(Math.abs(slope([1, 2, 3], [2, 4, 6]) - 2) < TOL.float64ClosedForm);
    assert.ok(Math.abs(pearson([1, 2, 3], [3, 2, 1]) + 1) < TOL.float64ClosedForm);
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
    assert.deepEqual(
      averageOver([
        [1, 2],
        [3, 4],
      ]),
      [2, 3],
    );
  });

  it('the accuracy trend resamples images for accuracy and LEE together', () => {
    const n = 1000;
    const r = mulberry32(3);
    // Three models whose accuracies differ by 10 points and whose LEE falls 10× per 10 points.
    const models = [0.8, 0.9, 0.99].map((acc, k) => ({
      model: `m${k}`,
      correct: Array.from({ length: n }, () => (r() < acc ? 1 : 0)),
      lee: Array.from({ length: n }, () => 10 ** -k * (0.5 + r())),
    }));
    const t = accuracyTrend(models, 'synthetic', { resamples: 400 });
    assert.equal(t.verdict, 'more accurate models are more equivariant');
    assert.ok(t.slope.hi < 0 && t.r.estimate < -0.9);
    // Same accuracy (one binomial s.e. apart at most) and LEE unrelated to it: nothing is shown.
    const flat = [0, 1, 2].map((k) => ({
      model: `f${k}`,
      correct: Array.from({ length: n }, () => (r() < 0.98 ? 1 : 0)),
      lee: Array.from({ length: n }, () => 0.5 + r()),
    }));
    assert.equal(accuracyTrend(flat, 'flat', { resamples: 400 }).verdict, 'no relation shown');
    assert.throws(() => accuracyTrend(models.slice(0, 2), 'x'), InputError);
  });

  it('contradicts() only when one verdict says lower and the other higher', () => {
    assert.equal(contradicts('lower', 'higher'), true);
    assert.equal(contradicts('lower', 'no difference shown'), false);
    assert.equal(
      contradicts('more accurate models are more equivariant', 'more accurate models are less equivariant'),
      true,
    );
    assert.equal(contradicts('higher', 'higher'), false);
  });
});

describe('common scale: LEE per pixel of border displacement (src/science/scales)', () => {
  it('translations move every pixel (W−1)/2 px per unit t', () => {
    assert.equal(borderSpeed('translate-x', 28, 28), 13.5);
    assert.equal(borderSpeed('translate-y', 20, 28), 9.5);
    assert.deepEqual(perBorderPixel([27], 'translate-x', 28, 28), [2]);
  });

  it('rotation moves a border pixel by its distance from the centre (radians)', () => {
    // Oracle: the mean distance of the border pixel centres from the image centre, in pixels.
    let s = 0;
    let c = 0;
    for (let i = 0; i < 28; i++)
      for (let j = 0; j < 28; j++)
        if (i === 0 || j === 0 || i === 27 || j === 27) {
          s += Math.hypot(i - 13.5, j - 13.5);
          c++;
        }
    assert.ok(Math.abs(borderSpeed('rotate', 28, 28) - s / c) < TOL.float64Accumulated);
    assert.ok(borderSpeed('rotate', 28, 28) > 13.5 && borderSpeed('rotate', 28, 28) < 13.5 * Math.SQRT2);
  });

  it('colour groups have no displacement scale', () => {
    assert.throws(() => borderSpeed('hue', 28, 28), /colour group/);
    assert.throws(() => borderSpeed('rotate', 1, 28), InputError);
  });
  it('spearman: average ranks for ties, ±1 for monotone relations, 0 when one side is constant', () => {
    assert.deepEqual(ranks([3, 1, 1, 2]), [3, 0.5, 0.5, 2]);
    assert.equal(spearman([1, 2, 3, 4], [10, 200, 3000, 40000]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.equal(spearman([1, 1, 1], [1, 2, 3]), 0);
    // Closed form without ties: 1 − 6 Σ d² / (n(n² − 1)); d = rank differences.
    const x = [5, 1, 4, 2, 3];
    const y = [2, 1, 5, 4, 3];
    const d2 = ranks(x).reduce((a, r, i) => a + (r - ranks(y)[i]) ** 2, 0);
    assert.ok(Math.abs(spearman(x, y) - (1 - (6 * d2) / (5 * 24))) < TOL.float64ClosedForm);
  });
});
