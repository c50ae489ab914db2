/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerwiseCumulative } from '../../src/figures/layerwiseCumulative';
import { layerRows } from './fixtures';
import { matchSnapshot } from './snapshot';
import { TOL } from '../helpers/tolerances';

const close = (a: number[], b: number[]) =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < TOL.float64ClosedForm);

test('layerwiseCumulative: snapshot', () => {
  matchSnapshot('layerwiseCumulative', layerwiseCumulative(layerRows));
});

test('layerwiseCumulative: projections averaged over images, cumulated, normalized to end at 1', () => {
  const [a, b] = layerwiseCumulative(layerRows).data as any[];
  // hand-checked, model A: layer means (0.5+1.5)/2 = 1, (1.5−0.5)/2 = 0.5, (2+3)/2 = 2.5; total 4.
  assert.ok(close(a.y, [1 / 4, 1.5 / 4, 1]), `A ${a.y}`);
  assert.ok(close(a.x, [0, 0.5, 1]), 'relative depth');
  assert.ok(close(b.y, [1 / 4, 1]), `B ${b.y}`);
  assert.ok(close(b.x, [0, 1]));
});

test('layerwiseCumulative: sqnorm, raw sums, layer index', () => {
  const [a] = layerwiseCumulative(layerRows, { measure: 'sqnorm', normalize: false, depth: 'index' }).data as any[];
  // hand-checked: sqnorm means (1+3)/2 = 2, (4+0)/2 = 2, (1+3)/2 = 2.
  assert.ok(close(a.y, [2, 4, 6]), `${a.y}`);
  assert.deepEqual(a.x, [0, 1, 2]);
});

test('layerwiseCumulative: layer names are escaped in hover data', () => {
  const [, b] = layerwiseCumulative(layerRows).data as any[];
  assert.equal(b.customdata[0][0], 'patch&lt;b&gt;embed&lt;/b&gt;');
});
