/* eslint-disable @typescript-eslint/no-explicit-any -- a Plotly figure is plain JSON (PlotlyTrace/PlotlyLayout are Record<string, unknown>); these tests read its fields as the figure builder wrote them */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leeVsEpoch } from '../../src/figures/leeVsEpoch';
import { epochRows } from './fixtures';
import { matchSnapshot } from './snapshot';

test('leeVsEpoch: snapshot', () => {
  matchSnapshot('leeVsEpoch', leeVsEpoch(epochRows));
});

test('leeVsEpoch: one line per run and group, sorted by epoch; accuracy in % on the right axis', () => {
  const fig = leeVsEpoch(epochRows);
  const [plain, augmented, acc1, acc2] = fig.data as any[];
  assert.deepEqual(augmented.x, [1, 2]);
  assert.deepEqual(augmented.y, [0.5, 0.25]);
  assert.equal(plain.name, 'no augmentation · rotate');
  assert.equal(acc1.yaxis, 'y2');
  assert.deepEqual(acc1.y, [50, 70]);
  assert.deepEqual(acc2.y, [45, 65]);
  assert.match((fig.layout.yaxis as any).title.text, /l2 of logits/);
  assert.equal((fig.layout.xaxis as any).dtick, 1);
  assert.equal(leeVsEpoch(epochRows, { showAccuracy: false }).data.length, 2);
});
