import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors';
import { gaussianProbes, hutchinsonSqNorms } from '../../src/lie/hutchinson';
import { mulberry32 } from '../../src/data/rng';
import { TOL } from '../helpers/tolerances';

/** L random vectors of K components, row-major [L, 1, K], and their exact squared norms. */
function randomContribs(L: number, K: number, seed: number): { c: Float64Array; exact: Float64Array } {
  const rand = mulberry32(seed);
  const c = new Float64Array(L * K);
  const exact = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    const scale = 10 ** (4 * rand() - 2); // norms over four decades: the estimator is scale-free
    for (let j = 0; j < K; j++) {
      const v = (rand() - 0.5) * scale;
      c[l * K + j] = v;
      exact[l] += v * v;
    }
  }
  return { c, exact };
}

/** Root mean square of the relative errors of the estimates. */
function rmsRelError(est: Float64Array, exact: Float64Array): number {
  let s = 0;
  for (let i = 0; i < exact.length; i++) s += ((est[i] - exact[i]) / exact[i]) ** 2;
  return Math.sqrt(s / exact.length);
}

describe('gaussianProbes', () => {
  it('are standard normal: mean ≈ 0, variance ≈ 1, fourth moment ≈ 3 over 2·10⁵ draws', () => {
    const z = gaussianProbes(200_000, 7);
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
    }
    m1 /= z.length;
    m2 /= z.length;
    m4 /= z.length;
    // Standard errors at n = 2·10⁵: mean 0.0022, variance 0.0032, fourth moment 0.022; 5σ bounds.
    assert.ok(Math.abs(m1) < TOL.gaussianProbeMean, `mean ${m1}`);
    assert.ok(Math.abs(m2 - 1) < TOL.gaussianProbeVariance, `variance ${m2}`);
    assert.ok(Math.abs(m4 - 3) < 0.11, `fourth moment ${m4}`);
  });

  it('are reproducible from the seed and differ between seeds', () => {
    assert.deepEqual(gaussianProbes(11, 3), gaussianProbes(11, 3));
    assert.notDeepEqual(gaussianProbes(11, 3), gaussianProbes(11, 4));
  });
});

describe('hutchinsonSqNorms', () => {
  it('hand-checked: one probe z gives (zᵀc)² exactly', () => {
    const z = gaussianProbes(3, 5); // probe 0 of image 0 is the first K = 3 draws
    const c = [1, -2, 0.5];
    const want = (z[0] * 1 + z[1] * -2 + z[2] * 0.5) ** 2;
    const [got] = hutchinsonSqNorms(c, [1, 1, 3], { probes: 1, seed: 5 });
    assert.ok(Math.abs(got - want) <= TOL.float64ClosedForm * want, `${got} vs ${want}`);
  });

  it('converges to the exact ‖C_i‖² with relative error √(2/P) (1/√P)', () => {
    // zᵀc ~ N(0, ‖c‖²), so (zᵀc)²/‖c‖² is χ²₁ (variance 2): the P-probe mean has relative standard
    // deviation exactly √(2/P) for every c. The RMS over 400 vectors estimates it to about ±7%.
    const L = 400;
    const K = 20;
    const { c, exact } = randomContribs(L, K, 1);
    const errors: number[] = [];
    for (const P of [4, 16, 64, 256]) {
      const rms = rmsRelError(hutchinsonSqNorms(c, [L, 1, K], { probes: P, seed: 2 }), exact);
      errors.push(rms);
      const expected = Math.sqrt(2 / P);
      assert.ok(
        Math.abs(rms / expected - 1) < 0.25,
        `P = ${P}: RMS relative error ${rms.toFixed(4)}, expected ${expected.toFixed(4)}`,
      );
    }
    // Each 4× more probes halves the error (1/√P); allow the same ±25% statistical slack.
    for (let i = 1; i < errors.length; i++) {
      const ratio = errors[i - 1] / errors[i];
      assert.ok(ratio > 1.5 && ratio < 2.7, `error ratio ${ratio.toFixed(3)} between P and 4P, expected ≈ 2`);
    }
  });

  it('estimates every image of a batch independently, [L, N] row-major', () => {
    const L = 3;
    const N = 2;
    const K = 4;
    const c = new Float64Array(L * N * K);
    for (let i = 0; i < c.length; i++) c[i] = (i % 5) - 2 + 0.25;
    const est = hutchinsonSqNorms(c, [L, N, K], { probes: 4000, seed: 9 });
    assert.equal(est.length, L * N);
    for (let l = 0; l < L; l++) {
      for (let n = 0; n < N; n++) {
        let exact = 0;
        for (let j = 0; j < K; j++) exact += c[(l * N + n) * K + j] ** 2;
        // Relative std √(2/4000) = 0.022; 5σ.
        assert.ok(Math.abs(est[l * N + n] / exact - 1) < 0.11, `layer ${l} image ${n}: ${est[l * N + n]} vs ${exact}`);
      }
    }
  });

  it('rejects a wrong length and a non-positive probe count with InputError', () => {
    assert.throws(
      () => hutchinsonSqNorms([1, 2, 3], [1, 1, 4], { probes: 2 }),
      (e: unknown) => e instanceof InputError && /\[L, N, K\] = \[1, 1, 4\]/.test((e as Error).message),
    );
    assert.throws(() => hutchinsonSqNorms([1, 2], [1, 1, 2], { probes: 0 }), InputError);
  });
});
