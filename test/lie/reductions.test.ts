import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { reduceAll, reduceLie, REDUCTIONS } from '../../src/lie/reductions';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

describe('reductions', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it('hand-checked: rows [3, −4] and [0, 1]', async () => {
    const lie = tf.tensor2d([
      [3, -4],
      [0, 1],
    ]);
    // mean-abs: (3+4)/2 = 3.5, (0+1)/2 = 0.5; l2: 5, 1; sq-l2: 25, 1.
    assert.deepEqual(Array.from(await expectNoLeak(() => reduceLie(lie, 'mean-abs'))), [3.5, 0.5]);
    assert.deepEqual(Array.from(reduceLie(lie, 'l2')), [5, 1]);
    assert.deepEqual(Array.from(reduceLie(lie, 'sq-l2')), [25, 1]);
    // mean-sq (the paper's Eq. 4): (9+16)/2 = 12.5, (0+1)/2 = 0.5.
    assert.deepEqual(Array.from(reduceLie(lie, 'mean-sq')), [12.5, 0.5]);
    const host = reduceAll([3, -4, 0, 1], 2, 2);
    for (const r of REDUCTIONS) assert.deepEqual(Array.from(host[r]), Array.from(reduceLie(lie, r)));
    assert.throws(() => reduceLie(lie, 'max' as never), /unknown reduction 'max'/);
    lie.dispose();
  });
});

describe("lee rows carry every reduction, mean-sq included (the paper's Eq. 4)", () => {
  it('mean-sq = sq-l2 / K and ≥ mean-abs² (Jensen) on a real model', async () => {
    await useBackend('cpu');
    const { lee } = await import('../../src/lie/lee');
    const net = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [5, 5, 3] }),
        tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      ],
    });
    const x = tf.randomUniform([3, 5, 5, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const rows = await lee(net, { images: x }, { groups: ['rotate', 'hue'], output: 'logits', reduction: 'mean-sq' });
    for (const r of rows) {
      assert.equal(r.lee, r['mean-sq']);
      assert.ok(Math.abs(r['mean-sq'] - r['sq-l2'] / 4) <= TOL.float64ClosedForm * r['sq-l2']);
      assert.ok(r['mean-sq'] >= r['mean-abs'] ** 2 * (1 - TOL.float64ClosedForm));
    }
    tf.dispose(x);
    net.dispose();
  });
});
