/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerwiseByKind } from '../../src/figures/layerwiseByKind';
import { layerRows } from './fixtures';
import { matchSnapshot } from './snapshot';

test('layerwiseByKind: snapshot', () => {
  matchSnapshot('layerwiseByKind', layerwiseByKind(layerRows));
});

test("layerwiseByKind: each kind's share of the total projection (hand-checked)", () => {
  const [a, b] = layerwiseByKind(layerRows).data as any[];
  // Model A layer means: conv 1, activation 0.5, pool 2.5 (total 4). Model B: conv 1, attention 3.
  assert.deepEqual(a.x, ['conv', 'activation', 'pool']);
  assert.deepEqual(a.y, [0.25, 0.125, 0.625]);
  assert.deepEqual(b.x, ['conv', 'attention']);
  assert.deepEqual(b.y, [0.25, 0.75]);
  const raw = layerwiseByKind(layerRows, { normalize: false }).data[0] as any;
  assert.deepEqual(raw.y, [1, 0.5, 2.5]);
});
