/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { discreteVsLee } from '../../src/figures/discreteVsLee';
import { discreteRows } from './fixtures';
import { matchSnapshot } from './snapshot';

test('discreteVsLee: snapshot', () => {
  matchSnapshot('discreteVsLee', discreteVsLee(discreteRows));
});

test('discreteVsLee: one subplot per metric, LEE on a log x axis', () => {
  const fig = discreteVsLee(discreteRows);
  const [eqt, cons] = fig.data as any[];
  assert.deepEqual(eqt.x, [0.02, 0.0001]);
  assert.deepEqual(eqt.y, [30, 45]);
  assert.equal(cons.xaxis, 'x2');
  assert.equal((fig.layout.xaxis2 as any).type, 'log');
  assert.equal((fig.layout.yaxis2 as any).title.text, 'consistency-circular');
  const [d1, d2] = [(fig.layout.xaxis as any).domain, (fig.layout.xaxis2 as any).domain];
  assert.ok(d1[1] < d2[0], 'subplots do not overlap');
});

test('discreteVsLee: log x needs positive LEE', () => {
  assert.throws(() => discreteVsLee([{ ...discreteRows[0], lee: 0 }]), InputError);
  assert.doesNotThrow(() => discreteVsLee([{ ...discreteRows[0], lee: 0 }], { logX: false }));
});
