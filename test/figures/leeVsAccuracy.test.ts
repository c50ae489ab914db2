/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { leeVsAccuracy } from '../../src/figures/leeVsAccuracy';
import { leeRows } from './fixtures';
import { matchSnapshot } from './snapshot';
import { TOL } from '../helpers/tolerances';

test('leeVsAccuracy: snapshot', () => {
  matchSnapshot('leeVsAccuracy', leeVsAccuracy(leeRows, { group: 'rotate' }));
});

test('leeVsAccuracy: one point and legend entry per model (mean LEE, accuracy in %), its own colour, grouped by family; no text on the plot', () => {
  const fig = leeVsAccuracy(leeRows, { group: 'rotate' });
  const [a, b, c] = fig.data as any[];
  assert.deepEqual([a.name, b.name, c.name], ['A', 'B &lt;script&gt;', 'C']);
  assert.deepEqual([a.legendgroup, b.legendgroup, c.legendgroup], ['CNN', 'ViT', 'CNN']);
  assert.deepEqual(a.x, [70]);
  assert.ok(Math.abs(a.y[0] - 0.2) < TOL.float64FewOps, 'A: mean of 0.1 and 0.3');
  assert.equal(new Set([a, b, c].map((t) => t.marker.color)).size, 3, 'distinct colours');
  assert.equal(a.marker.symbol, c.marker.symbol, 'same family, same symbol');
  assert.notEqual(a.marker.symbol, b.marker.symbol);
  assert.ok(
    fig.data.every((t: any) => !String(t.mode).includes('text')),
    'labels beside clustered points overlapped',
  );
});

test('leeVsAccuracy: the fit is log10(LEE) on accuracy, with R² in the legend (hand-checked)', () => {
  const fig = leeVsAccuracy(leeRows, { group: 'rotate' });
  const fitTrace = fig.data[3] as any;
  // hand-checked: x = 70, 80, 90; y = log10(0.2), −2, −3 → mean y = −1.89966,
  // Sxy = −10·1.20069 + 10·(−1.10034) = −23.0103, Sxx = 200 → slope −0.1150515;
  // Syy = 2.662480 → R² = slope·Sxy/Syy = 0.99432.
  const slope = (Math.log10(fitTrace.y[1]) - Math.log10(fitTrace.y[0])) / (90 - 70);
  assert.ok(Math.abs(slope - -0.1150515) < TOL.float32FewOps, `slope ${slope}`);
  assert.equal(fitTrace.name, 'least-squares fit (R² = 0.99)');
  assert.match((fig.layout.annotations as any[])[0].text, /R² = 0\.99/);
});

test('leeVsAccuracy: needs one group, accuracies, one accuracy per model', () => {
  assert.throws(
    () => leeVsAccuracy(leeRows),
    (e: Error) => e instanceof InputError && /one group/.test(e.message),
  );
  assert.throws(
    () =>
      leeVsAccuracy(
        leeRows.map((r) => ({ ...r, accuracy: undefined })),
        { group: 'rotate' },
      ),
    InputError,
  );
  assert.throws(
    () => leeVsAccuracy([...leeRows, { ...leeRows[2], accuracy: 0.1 }], { group: 'rotate' }),
    /several accuracies/,
  );
});

test('leeVsAccuracy: a single model gets no fit line', () => {
  const fig = leeVsAccuracy(
    leeRows.filter((r) => r.model === 'A'),
    { group: 'rotate' },
  );
  assert.equal(fig.data.length, 1);
  assert.deepEqual(fig.layout.annotations, []);
});
