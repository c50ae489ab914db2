import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { GROUP_NAMES } from '../../src/groups';
import { lee, type LeeRow } from '../../src/lie/lee';
import { lieDerivative } from '../../src/lie/lieDerivative';
import { expectNoLeak } from '../helpers/noLeak';
import { loadReference } from '../helpers/reference';
import { buildReferenceSmallCnn, referenceInputs } from '../helpers/smallCnn';
import { TOL } from '../helpers/tolerances';

describe('lee (wasm)', () => {
  let model: tf.LayersModel;
  before(async () => {
    await useBackend('wasm');
    model = buildReferenceSmallCnn();
  });

  it("reproduces the reference metric (mean-abs of lee_*, difference 'forward') in batches", async () => {
    const { x, v } = referenceInputs();
    const ref = loadReference('smallcnn_outputs');
    const progress: Array<[number, number]> = [];
    const batches: number[] = [];
    const rows = await expectNoLeak(
      () =>
        lee(
          model,
          { images: x, labels: [0, 1, 2, 3, 4, 5, 6, 7] },
          {
            groups: ['translate-x', 'rotate', 'shear-x'],
            difference: 'forward',
            batchSize: 3,
            vectors: true,
            onProgress: (d, t) => progress.push([d, t]),
            onBatch: (r, b) => void batches.push(b, r.length),
          },
        ),
      'lee',
    );
    assert.deepEqual(progress, [
      [3, 8],
      [6, 8],
      [8, 8],
    ]);
    assert.deepEqual(batches, [0, 9, 1, 9, 2, 6]);
    assert.equal(rows.length, 24);
    for (const [group, key] of [
      ['translate-x', 'trans_x'],
      ['rotate', 'rot'],
      ['shear-x', 'shear_x'],
    ]) {
      const mine = rows.filter((r) => r.group === group);
      assert.deepEqual(
        mine.map((r) => r.image),
        [0, 1, 2, 3, 4, 5, 6, 7],
      );
      mine.forEach((r, i) => {
        assert.equal(r.label, i);
        assert.equal(r.output, 'probs');
        assert.equal(r.reduction, 'mean-abs');
        // float32 vs PyTorch float32: measured ≤ 2e-6 relative on the vectors.
        assert.ok(
          Math.abs(r.lee - ref[`metric_${key}`].data[i]) <= TOL.papersCodeParity * ref[`metric_${key}`].data[i],
          `${group} image ${i}`,
        );
        const l = r.lie as number[];
        assert.equal(l.length, 10);
        assert.ok(Math.abs(r.l2 - Math.hypot(...l)) < TOL.float32FewOps * (r.l2 + TOL.zeroGuard));
        assert.ok(Math.abs(r['sq-l2'] - r.l2 ** 2) < TOL.float32FewOps * (r['sq-l2'] + TOL.zeroGuard));
      });
    }
    tf.dispose([x, v]);
  });

  it("groups 'all' (the default), reduction choice, startBatch skips finished batches", async () => {
    const images = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const rows = await lee(model, { images }, { reduction: 'l2', batchSize: 2 });
    assert.equal(rows.length, 3 * GROUP_NAMES.length);
    assert.deepEqual(
      rows.slice(0, GROUP_NAMES.length).map((r) => r.group),
      [...GROUP_NAMES],
    );
    for (const r of rows) assert.equal(r.lee, r.l2);
    const rest = await lee(model, { images }, { reduction: 'l2', batchSize: 2, startBatch: 1 });
    assert.deepEqual(
      rest.map((r: LeeRow) => r.image),
      rows.filter((r) => r.image >= 2).map((r) => r.image),
    );
    // Same images and batch composition as above: identical numbers.
    assert.deepEqual(
      rest.map((r) => r.lee),
      rows.filter((r) => r.image >= 2).map((r) => r.lee),
    );
    const [single] = await lieDerivative(model, images.slice(2, 1) as tf.Tensor4D, ['hue']);
    const hue = rows.find((r) => r.image === 2 && r.group === 'hue') as LeeRow;
    assert.ok(Math.abs(hue.l2 - Math.hypot(...Array.from(single.lie.dataSync()))) < TOL.float32Reordered * hue.l2);
    await assert.rejects(lee(model, { images, labels: [1] }), /1 labels for 3 images/);
    await assert.rejects(lee(model, { images }, { reduction: 'max' as never }), /unknown reduction/);
    tf.dispose([images, single.lie]);
  });
});
