/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { leeByGroup } from '../../src/figures/leeByGroup';
import { leeRows } from './fixtures';
import { matchSnapshot } from './snapshot';
import { TOL } from '../helpers/tolerances';

test('leeByGroup: snapshot (bar and box)', () => {
  matchSnapshot('leeByGroup', leeByGroup(leeRows));
  matchSnapshot('leeByGroup-box', leeByGroup(leeRows, { mode: 'box' }));
});

test('leeByGroup: bar heights are means over images, error bars their bootstrap 95% CI', () => {
  const fig = leeByGroup(leeRows);
  assert.equal(fig.data.length, 3, 'one trace per model');
  const a = fig.data[0] as any;
  assert.deepEqual(a.x, ['translate-x', 'rotate']);
  // hand-checked: mean(0.01, 0.03) = 0.02. A resample of two values has mean 0.01, 0.02 or 0.03 with
  // probability 1/4, 1/2, 1/4, so the 2.5% and 97.5% percentiles are 0.01 and 0.03: the CI is 0.02 ∓ 0.01.
  // rotate: values 0.1 and 0.3, mean 0.2, CI [0.1, 0.3].
  assert.ok(Math.abs(a.y[0] - 0.02) < TOL.float64FewOps && Math.abs(a.y[1] - 0.2) < TOL.float64FewOps, `means ${a.y}`);
  assert.equal(a.error_y.symmetric, false);
  assert.ok(
    Math.abs(a.error_y.array[0] - 0.01) < TOL.float64ClosedForm &&
      Math.abs(a.error_y.array[1] - 0.1) < TOL.float64ClosedForm,
    `CI above ${a.error_y.array}`,
  );
  assert.ok(
    Math.abs(a.error_y.arrayminus[0] - 0.01) < TOL.float64ClosedForm &&
      Math.abs(a.error_y.arrayminus[1] - 0.1) < TOL.float64ClosedForm,
    `CI below ${a.error_y.arrayminus}`,
  );
  assert.equal(a.error_y.visible, true);
  assert.equal((fig.data[1] as any).error_y.visible, false, 'one image per group: no error bar');
});

test('leeByGroup: axis says which output and reduction; log y by default', () => {
  const fig = leeByGroup(leeRows);
  const y = fig.layout.yaxis as any;
  assert.match(y.title.text, /mean-abs of probs/);
  assert.equal(y.type, 'log');
  // Full-value tick labels (not Plotly's bare leading digits): the data span 1e-4 .. 0.3.
  assert.equal(y.tickmode, 'array');
  assert.deepEqual(
    y.ticktext,
    y.tickvals.map((v: number) => String(v)),
  );
  assert.ok(y.ticktext.includes('0.001') && y.ticktext.includes('0.3'), y.ticktext.join(' '));
  assert.equal((leeByGroup(leeRows, { logY: false }).layout.yaxis as any).type, undefined);
});

test('leeByGroup: model names are escaped for Plotly', () => {
  const fig = leeByGroup(leeRows);
  assert.equal(fig.data[1].name, 'B &lt;script&gt;');
});

test('leeByGroup: rejects empty rows and mixed reductions', () => {
  assert.throws(() => leeByGroup([]), InputError);
  assert.throws(
    () => leeByGroup([...leeRows, { ...leeRows[0], reduction: 'l2' }]),
    (e: Error) => e instanceof InputError && /mean-abs, l2/.test(e.message),
  );
  assert.throws(() => leeByGroup([{ ...leeRows[0], lee: NaN }]), InputError);
});
