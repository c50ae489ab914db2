import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { exploreImage, leeTable, unitFor } from '../../src/explorer/explore';
import { applyGroup } from '../../src/groups';
import { lee } from '../../src/lie/lee';
import { modelOutput } from '../../src/lie/metrics/modelOutput';
import { IDENTITY_PREPROCESS, type ModelWrapper } from '../../src/models/model';
import { expectNoLeak } from '../helpers/noLeak';
import { TOL } from '../helpers/tolerances';

/** A small smooth (tanh) CNN, so the symmetric quotient converges cleanly to L f (DESIGN §6). */
function smoothModel(): ModelWrapper {
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [12, 12, 3],
        filters: 4,
        kernelSize: 3,
        activation: 'tanh',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 5,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }),
      }),
    ],
  });
  return {
    name: 'smooth',
    net,
    inputSize: [12, 12],
    preprocess: IDENTITY_PREPROCESS,
    classNames: ['a', 'b', 'c', 'd', 'e'],
  };
}

/** A smooth image: a blurred blob, RGB in [0, 1]. */
function blob(): tf.Tensor4D {
  return tf.tidy(() => {
    const v: number[] = [];
    for (let i = 0; i < 12; i++)
      for (let j = 0; j < 12; j++)
        for (let c = 0; c < 3; c++) v.push(0.5 + 0.4 * Math.exp(-((i - 5.2) ** 2 + (j - 6.3 - c) ** 2) / 8));
    return tf.tensor4d(v, [1, 12, 12, 3]);
  });
}

describe('exploreImage', () => {
  let model: ModelWrapper;
  let x: tf.Tensor4D;
  before(async () => {
    await useBackend('cpu');
    model = smoothModel();
    x = blob();
  });

  it('LEE rows are the library lee rows, and nothing leaks', async () => {
    const groups = ['translate-x', 'rotate', 'hue'];
    const r = await expectNoLeak(() => exploreImage(model, x, { groups, layerGroup: 'rotate' }), 'exploreImage');
    const rows = await lee(model, { images: x }, { groups });
    assert.deepEqual(
      r.groups.map((g) => g.lee['mean-abs']),
      rows.map((row) => row['mean-abs']),
    );
    assert.equal(leeTable(r).length, 3);
    assert.equal(r.groups[0].frames.length, 21);
    assert.equal(r.groups[0].frames[0].length, 12 * 12 * 3);
    // Telescoping (DESIGN §5): the per-layer projections sum to ‖L f‖ of the same image and group.
    const sum = r.layers!.rows.reduce((s, l) => s + l.projection, 0);
    assert.ok(
      Math.abs(sum - r.layers!.total) <= TOL.telescopingSum * r.layers!.total,
      `Σ projections ${sum} vs ‖L f‖ ${r.layers!.total}`,
    );
    assert.ok(
      Math.abs(r.groups[1].lee.l2 - r.layers!.total) <= TOL.float32DeepRel * r.layers!.total,
      'layerwise ‖L f‖ equals lee l2 for rotate',
    );
  });

  it('the slope equals the symmetric quotient (f(T_h x) − f(T_−h x))/2h, an independent oracle, in each unit', async () => {
    for (const [group, units] of [
      ['translate-x', 'pixels'],
      ['rotate', 'degrees'],
      ['scale', 'normalized'],
    ] as const) {
      const r = await exploreImage(model, x, { groups: [group], units, component: 2 });
      const g = r.groups[0];
      assert.equal(g.unit, units);
      const h = 1e-3; // normalized
      const y = tf.tidy(() => modelOutput(model, applyGroup(x, group, [h, -h]), 'probs'));
      const v = await y.data();
      y.dispose();
      const perUnit = units === 'pixels' ? 2 / 11 : units === 'degrees' ? Math.PI / 180 : 1;
      const quotient = ((v[2] - v[5 + 2]) / (2 * h)) * perUnit;
      assert.ok(
        Math.abs(g.slope - quotient) <= TOL.slopeVsSymmetricQuotient * Math.abs(quotient) + TOL.float32Ulp,
        `${group}: slope ${g.slope} vs quotient ${quotient}`,
      );
      // The curve passes through f(x) at t = 0 and ts are in the unit asked for.
      const mid = (g.ts.length - 1) / 2;
      assert.equal(g.ts[mid], 0);
      assert.equal(r.component.name, 'c');
    }
  });

  it('a unit that does not apply to a group falls back to normalized', () => {
    assert.equal(unitFor('scale', 'pixels', 12, 12), 'normalized');
    assert.equal(unitFor('hue', 'degrees', 12, 12), 'degrees');
  });

  it('refuses a batch, an empty group list and an out-of-range component with InputError', async () => {
    const two = tf.concat([x, x]) as tf.Tensor4D;
    await assert.rejects(() => exploreImage(model, two, { groups: ['rotate'] }), {
      name: 'InputError',
      message: /\[1, H, W, 3\]/,
    });
    two.dispose();
    await assert.rejects(() => exploreImage(model, x, { groups: [] }), { name: 'InputError' });
    await assert.rejects(() => exploreImage(model, x, { groups: ['rotate'], component: 9 }), {
      name: 'InputError',
      message: /component/,
    });
    await assert.rejects(() => exploreImage(model, x, { groups: ['rotat'] }), /unknown group/);
  });
});
