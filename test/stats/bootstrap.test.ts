import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/data/rng';
import {
  compareMeans,
  formatInterval,
  meanCI,
  median,
  medianCI,
  quantileSorted,
  verdict,
} from '../../src/stats/bootstrap';
import { TOL } from '../helpers/tolerances';

/** n standard normals (Box–Muller) from a seed. */
function normals(n: number, seed: number, mu = 0, sigma = 1): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => mu + sigma * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

describe('bootstrap intervals', () => {
  it('the mean CI of a large normal sample matches the closed form mean ± 1.96 s/√n', () => {
    const xs = normals(4000, 1, 3, 2);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    const half = (1.959964 * s) / Math.sqrt(xs.length);
    const ci = meanCI(xs, { resamples: 4000 });
    assert.equal(ci.estimate, m);
    // Bootstrap percentile bounds scatter about the normal-theory ones by ~ half/√(2B)·…: 10% of the half-width.
    assert.ok(Math.abs(ci.lo - (m - half)) < 0.1 * half, `lo ${ci.lo} vs ${m - half}`);
    assert.ok(Math.abs(ci.hi - (m + half)) < 0.1 * half, `hi ${ci.hi} vs ${m + half}`);
  });

  it('a constant sample has a zero-width interval; the same seed gives the same interval', () => {
    const ci = meanCI([0.5, 0.5, 0.5]);
    assert.deepEqual([ci.lo, ci.estimate, ci.hi], [0.5, 0.5, 0.5]);
    const xs = normals(50, 7);
    assert.deepEqual(meanCI(xs, { seed: 3 }), meanCI(xs, { seed: 3 }));
    assert.notDeepEqual(meanCI(xs, { seed: 3 }), meanCI(xs, { seed: 4 }));
  });

  it('median and quantiles by hand', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(quantileSorted([0, 10], 0.25), 2.5);
    const ci = medianCI([1, 2, 3, 4, 100]);
    assert.equal(ci.estimate, 3);
    assert.ok(ci.lo >= 1 && ci.hi <= 100);
  });

  it('compareMeans: a real shift is found, a null one is not; pairing removes shared per-image variation', () => {
    const base = normals(300, 11, 0, 5); // large per-image spread shared by both "models"
    const noise = normals(300, 12, 0, 0.1);
    const a = base.map((x, i) => x + 0.2 + noise[i]);
    const b = base;
    const unpaired = compareMeans(a, b);
    const paired = compareMeans(a, b, { paired: true });
    assert.equal(verdict(unpaired.diff), 'no difference shown'); // 0.2 is lost in the ±0.8 spread of two independent means
    assert.equal(verdict(paired.diff), 'higher');
    assert.ok(
      paired.diff.hi - paired.diff.lo < TOL.pairedBootstrapWidth,
      `paired width ${paired.diff.hi - paired.diff.lo}`,
    );
    assert.ok(Math.abs(paired.diff.estimate - 0.2) < TOL.pairedBootstrapEstimate);
    const lower = compareMeans(b, a, { paired: true });
    assert.equal(verdict(lower.diff), 'lower');
  });

  it('ratio of means: estimate and interval around a known factor', () => {
    const b = normals(500, 21, 10, 1);
    const a = b.map((x) => 2 * x);
    const { ratio } = compareMeans(a, b, { paired: true });
    assert.ok(Math.abs(ratio.estimate - 2) < TOL.float64ClosedForm);
    assert.ok(ratio.lo <= 2 + TOL.float64ClosedForm && ratio.hi >= 2 - TOL.float64ClosedForm);
  });

  it('refuses what would make every bound NaN, and bad options', () => {
    assert.throws(() => meanCI([]), /empty/);
    assert.throws(() => meanCI([1, NaN]), /values\[1\] = NaN/);
    assert.throws(() => meanCI([1, 2], { level: 1.5 }), /level must be in \(0, 1\)/);
    assert.throws(() => meanCI([1, 2], { resamples: 3 }), /resamples/);
    assert.throws(() => compareMeans([1, 2], [1], { paired: true }), /equal sample sizes/);
  });

  it('formats as estimate [lo, hi]', () => {
    assert.equal(
      formatInterval({ estimate: 0.044512, lo: 0.03012, hi: 0.06123, level: 0.95, n: 10 }),
      '0.0445 [0.0301, 0.0612]',
    );
  });
});
