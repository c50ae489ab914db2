import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { reduceAll, reduceLie, REDUCTIONS } from '../../src/lie/reductions';
import { expectNoLeak } from '../helpers/noLeak';

describe('reductions', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('hand-checked: rows [3, −4] and [0, 1]', async () => {
    const lie = tf.tensor2d([[3, -4], [0, 1]]);
    // mean-abs: (3+4)/2 = 3.5, (0+1)/2 = 0.5; l2: 5, 1; sq-l2: 25, 1.
    assert.deepEqual(Array.from(await expectNoLeak(() => reduceLie(lie, 'mean-abs'))), [3.5, 0.5]);
    assert.deepEqual(Array.from(reduceLie(lie, 'l2')), [5, 1]);
    assert.deepEqual(Array.from(reduceLie(lie, 'sq-l2')), [25, 1]);
    const host = reduceAll([3, -4, 0, 1], 2, 2);
    for (const r of REDUCTIONS) assert.deepEqual(Array.from(host[r]), Array.from(reduceLie(lie, r)));
    assert.throws(() => reduceLie(lie, 'max' as never), /unknown reduction 'max'/);
    lie.dispose();
  });
});
