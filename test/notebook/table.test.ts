import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowsToTable, tableHtml, tableText } from '../../src/notebook/table';

const hostile = '<script>alert(1)</script>';
const rows = [
  { model: hostile, group: 'rotate', lee: 1.234e-7 },
  { model: 'b', group: 'hue', lee: 0.5, extra: 'x & y' },
];

test('rowsToTable: columns are the union of keys in first-seen order', () => {
  const t = rowsToTable(rows);
  assert.deepEqual(t.columns, ['model', 'group', 'lee', 'extra']);
  assert.deepEqual(t.values[0], [hostile, 'rotate', 1.234e-7, undefined]);
});

test('tableHtml: <script> in a cell or header renders as text', () => {
  const html = tableHtml(rowsToTable([...rows, { [hostile]: 1 }]));
  assert.ok(!html.includes('<script>alert'), html);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('x &amp; y'));
  assert.match(html, /<td class="num">1\.234e-7<\/td>/);
});

test('tableHtml/tableText: maxRows truncates with a count', () => {
  const many = Array.from({ length: 7 }, (_, i) => ({ i }));
  assert.match(tableHtml(rowsToTable(many), { maxRows: 5 }), /… 2 more rows/);
  assert.match(tableText(rowsToTable(many), { maxRows: 5 }), /… 2 more rows/);
});

test('tableText: aligned columns, numbers right-aligned', () => {
  const text = tableText(
    rowsToTable([
      { name: 'a', lee: 0.5 },
      { name: 'long name', lee: 12.25 },
    ]),
  );
  assert.equal(text, ['name         lee', '---------  -----', 'a            0.5', 'long name  12.25'].join('\n'));
});
