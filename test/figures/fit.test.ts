import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { linearFit } from '../../src/figures/fit';
import { TOL } from '../helpers/tolerances';

test('linearFit: exact line y = 2x + 1 has slope 2, intercept 1, R² 1', () => {
  const f = linearFit([0, 1, 2, 5], [1, 3, 5, 11]);
  assert.ok(
    Math.abs(f.slope - 2) < TOL.float64ClosedForm &&
      Math.abs(f.intercept - 1) < TOL.float64ClosedForm &&
      Math.abs(f.r2 - 1) < TOL.float64ClosedForm,
    JSON.stringify(f),
  );
});

test('linearFit: R² equals the squared Pearson correlation (independent formula)', () => {
  const xs = [70, 75, 80, 85, 90];
  const ys = [-0.7, -1.9, -1.6, -2.8, -3.1];
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b) / n;
  const my = ys.reduce((a, b) => a + b) / n;
  const cov = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const vx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const vy = ys.reduce((a, y) => a + (y - my) ** 2, 0);
  const f = linearFit(xs, ys);
  // Double precision on O(1) sums of 5 terms: 1e-12 is far above round-off.
  assert.ok(Math.abs(f.r2 - cov ** 2 / (vx * vy)) < TOL.float64ClosedForm, `${f.r2}`);
  assert.ok(Math.abs(f.slope - cov / vx) < TOL.float64ClosedForm);
  // The residuals of a least-squares line sum to zero.
  const residual = ys.reduce((a, y, i) => a + y - (f.intercept + f.slope * xs[i]), 0);
  assert.ok(Math.abs(residual) < TOL.float64ClosedForm, `residual sum ${residual}`);
});

test('linearFit: needs two distinct x', () => {
  assert.throws(() => linearFit([1], [2]), InputError);
  assert.throws(() => linearFit([1, 1], [2, 3]), InputError);
});
