/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { lieVsFinite } from '../../src/figures/lieVsFinite';
import { finiteRows } from './fixtures';
import { matchSnapshot } from './snapshot';

test('lieVsFinite: snapshot', () => {
  matchSnapshot('lieVsFinite', lieVsFinite(finiteRows));
});

test('lieVsFinite: log-log, sorted by t, symmetric solid and one-sided dashed', () => {
  const fig = lieVsFinite(finiteRows);
  const [sym, one] = fig.data as any[];
  assert.deepEqual(sym.x, [0.001, 0.01, 0.1]);
  assert.deepEqual(sym.y, [1e-8, 1e-4, 1e-2], 'zero error floored at 1e-8 for the log axis');
  assert.equal(sym.line.dash, 'solid');
  assert.equal(one.line.dash, 'dash');
  assert.equal((fig.layout.xaxis as any).type, 'log');
  assert.equal((fig.layout.yaxis as any).type, 'log');
});

test('lieVsFinite: t must be positive', () => {
  assert.throws(() => lieVsFinite([{ ...finiteRows[0], t: 0 }]), InputError);
});
