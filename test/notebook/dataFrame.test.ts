import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataFrameToTable, isDataFrame, toDataFrame } from '../../src/notebook/dataFrame';
import { toBundle } from '../../src/notebook/show';

test('toDataFrame → a danfo DataFrame that show() renders as an escaped table', () => {
  // Requiring danfojs-node takes a few seconds (DESIGN §9); one test loads it.
  const df = toDataFrame([
    { model: '<script>alert(1)</script>', lee: 1.5e-6 },
    { model: 'b', lee: 0.25 },
  ]);
  assert.equal(df.constructor.name, 'DataFrame');
  assert.ok(isDataFrame(df));
  const b = toBundle(df);
  const html = b['text/html'] as string;
  assert.ok(!html.includes('<script>alert'), html);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('1.5e-6'), 'tiny numbers with an exponent');
  assert.match(b['text/plain'] as string, /model +lee/);
});

test('dataFrameToTable: default index dropped, other index kept as first column; isDataFrame rejects look-alikes', () => {
  assert.deepEqual(dataFrameToTable({ columns: ['a'], values: [[1], [2]], shape: [2, 1], index: [0, 1] }), {
    columns: ['a'],
    values: [[1], [2]],
  });
  assert.deepEqual(dataFrameToTable({ columns: ['a'], values: [[1]], shape: [1, 1], index: ['r'] }), {
    columns: ['', 'a'],
    values: [['r', 1]],
  });
  assert.equal(isDataFrame({ columns: ['a'], values: [[1]] }), false);
  assert.equal(isDataFrame([{ a: 1 }]), false);
});
