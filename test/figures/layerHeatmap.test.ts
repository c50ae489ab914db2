/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/errors';
import { layerHeatmap } from '../../src/figures/layerHeatmap';
import { mapRows } from './fixtures';
import { matchSnapshot } from './snapshot';

test('layerHeatmap: snapshot', () => {
  matchSnapshot('layerHeatmap', layerHeatmap(mapRows));
});

test('layerHeatmap: row-major values become z rows, top row first; one subplot each', () => {
  const fig = layerHeatmap(mapRows);
  const [h1, h2] = fig.data as any[];
  assert.deepEqual(h1.z, [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.equal(h1.colorscale, 'Viridis');
  assert.equal(h2.colorscale, 'RdBu', 'signed map: diverging');
  assert.equal(h2.zmid, 0);
  assert.equal(h2.xaxis, 'x2');
  assert.equal((fig.layout.yaxis as any).autorange, 'reversed');
  assert.equal((fig.layout.yaxis2 as any).scaleanchor, 'x2');
});

test('layerHeatmap: wrong value count is an InputError', () => {
  assert.throws(
    () => layerHeatmap([{ ...mapRows[0], values: [1, 2] }]),
    (e: Error) => e instanceof InputError && /2 values/.test(e.message),
  );
});
