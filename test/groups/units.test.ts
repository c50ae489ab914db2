import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromNormalized, getGroup, groupParameterToNormalized, toNormalized } from '../../src/groups';
import { InputError, UnknownNameError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

describe('units', () => {
  it('pixels: t = 1 is (size−1)/2 pixels; degrees: radians; normalized: unchanged; round trips', () => {
    assert.equal(toNormalized(15.5, 'pixels', 32), 1);
    assert.equal(toNormalized(1, 'pixels', 224), 2 / 223);
    assert.equal(toNormalized(180, 'degrees', 0), Math.PI);
    assert.equal(toNormalized(0.3, 'normalized', 10), 0.3);
    for (const unit of ['pixels', 'degrees', 'normalized'] as const) {
      assert.ok(Math.abs(fromNormalized(toNormalized(7.25, unit, 64), unit, 64) - 7.25) < TOL.float64ClosedForm, unit);
    }
    assert.throws(() => toNormalized(1, 'pixels', 1), /at least 2 pixels/);
    assert.throws(() => toNormalized(1, 'inches', 5), UnknownNameError);
  });

  it('per group: pixels along W for translate-x and H for translate-y, degrees for rotate and hue only', () => {
    assert.equal(groupParameterToNormalized(2, 'pixels', getGroup('translate-x'), 9, 5), 1); // (W−1)/2 = 2
    assert.equal(groupParameterToNormalized(4, 'pixels', getGroup('translate-y'), 9, 5), 1); // (H−1)/2 = 4
    assert.equal(groupParameterToNormalized(90, 'degrees', getGroup('hue'), 9, 5), Math.PI / 2);
    assert.throws(() => groupParameterToNormalized(1, 'pixels', getGroup('shear-x'), 9, 5), InputError);
    assert.throws(() => groupParameterToNormalized(1, 'degrees', getGroup('scale'), 9, 5), /rotate and hue only/);
  });
});
