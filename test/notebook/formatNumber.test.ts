import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCell, formatNumber } from '../../src/notebook/formatNumber';

test('formatNumber: significant digits, exponents for tiny and huge, integers as is', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [3, '3'],
    [-12, '-12'],
    [1234567, '1234567'],
    [0.5, '0.5'],
    [1.23456, '1.235'],
    [0.012345, '0.01235'],
    [1.234e-7, '1.234e-7'],
    [1e-7, '1e-7'],
    [-2.5e-5, '-2.5e-5'],
    [12345.6, '12346'],
    [2.5e20, '2.5e20'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
    [-Infinity, '−∞'],
  ];
  for (const [x, want] of cases) assert.equal(formatNumber(x), want, `formatNumber(${x})`);
  assert.equal(formatNumber(Math.PI, 2), '3.1');
});

test('formatCell: null as empty, arrays shortened, objects as JSON', () => {
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(undefined), '');
  assert.equal(formatCell(true), 'true');
  assert.equal(formatCell([1, 2.5e-9]), '[1, 2.5e-9]');
  assert.equal(formatCell([1, 2, 3, 4, 5, 6, 7, 8]), '[1, 2, 3, 4, 5, 6, … (8)]');
  assert.equal(formatCell({ a: 1 }), '{"a":1}');
});
