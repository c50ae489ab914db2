import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TEST_BACKENDS, setTestBackend } from '../helpers/backends';
import { relError } from '../helpers/reference';
import { NEUMANN_COSINES, sampleImage } from '../helpers/groupImages';
import { applyGroup, COLOR_GROUP_NAMES, defineGroup, GROUP_NAMES, LUMA_WEIGHTS } from '../../src/groups';
import { InputError } from '../../src/errors';
import { TOL } from '../helpers/tolerances';

for (const backend of TEST_BACKENDS) {
  describe(`applyGroup (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('t = 0 returns the input exactly, for every group', () => {
      const x = tf.randomUniform([2, 6, 7, 3]) as tf.Tensor4D;
      for (const g of GROUP_NAMES) assert.deepEqual(applyGroup(x, g, 0).dataSync(), x.dataSync(), g);
    });

    it('a vector of t is t-major and each block equals the single-t call', () => {
      const x = tf.randomUniform([2, 5, 5, 3]) as tf.Tensor4D;
      for (const g of ['rotate', 'contrast']) {
        const ts = [0.2, -0.1, 0];
        const out = applyGroup(x, g, ts);
        assert.deepEqual(out.shape, [6, 5, 5, 3]);
        // Same arithmetic per block, except matMul may sum in another order: 1e-6 relative.
        ts.forEach((t, k) =>
          assert.ok(
            relError(out.slice(2 * k, 2).dataSync(), applyGroup(x, g, t).dataSync()) < TOL.float32FewOps,
            `${g} t = ${t}`,
          ),
        );
      }
    });

    it('units: 1 pixel of translate-x and 90° of rotate (square image) are exact permutations', () => {
      const x = tf.randomUniform([1, 5, 5, 1]) as tf.Tensor4D;
      const src = x.arraySync()[0];
      const shifted = applyGroup(x, 'translate-x', 1, { units: 'pixels' }).arraySync()[0];
      for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) assert.equal(shifted[i][j][0], src[i][j + 1][0]);
      const rotated = applyGroup(x, 'rotate', 90, { units: 'degrees' }).arraySync()[0];
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.equal(rotated[i][j][0], src[4 - j][i][0]);
      assert.throws(() => applyGroup(x, 'scale', 1, { units: 'pixels' }), InputError);
    });

    it('spatial group law on exact cases: two quarter turns = a half turn; 1 px + 2 px = 3 px', () => {
      const x = sampleImage(NEUMANN_COSINES, 9, 9);
      const quarter = applyGroup(x, 'rotate', Math.PI / 2);
      assert.deepEqual(
        applyGroup(quarter, 'rotate', Math.PI / 2).dataSync(),
        applyGroup(x, 'rotate', Math.PI).dataSync(),
      );
      // Interior columns only: reflection of a reflection is not a reflection of the sum.
      const a = applyGroup(applyGroup(x, 'translate-x', 1, { units: 'pixels' }), 'translate-x', 2, {
        units: 'pixels',
      }).arraySync()[0];
      const b = applyGroup(x, 'translate-x', 3, { units: 'pixels' }).arraySync()[0];
      for (let i = 0; i < 9; i++) for (let j = 0; j < 5; j++) assert.deepEqual(a[i][j], b[i][j]);
    });

    it('spatial group law on a smooth image, fractional t: bilinear error only, inside the image', () => {
      // Bilinear resampling is not exactly a group action at fractional shifts; the composed error is
      // O(h²·|∇²x|). Near the border, points leave the image and reflection does not compose, so
      // compare the central half (|u|, |v| ≤ 0.5), where all intermediate points stay inside.
      // Measured ≤ 4.1e-3 (values in [0.25, 0.75]; one bilinear step costs ~h²/8·|∂²x| ≈ 3e-3 here).
      const x = sampleImage(NEUMANN_COSINES, 33, 33);
      for (const g of ['rotate', 'shear-x', 'scale', 'hyperbolic-rotate']) {
        const twice = applyGroup(applyGroup(x, g, 0.05), g, 0.07).arraySync()[0];
        const once = applyGroup(x, g, 0.12).arraySync()[0];
        let err = 0;
        for (let i = 8; i <= 24; i++)
          for (let j = 8; j <= 24; j++)
            for (let c = 0; c < 3; c++) err = Math.max(err, Math.abs(twice[i][j][c] - once[i][j][c]));
        assert.ok(err < TOL.bilinearVsExactFlow, `${g}: ${err}`);
      }
    });

    it('colour group law apply(apply(x, s), t) = apply(x, s + t), float32 only', () => {
      const x = tf.randomUniform([2, 4, 6, 3]) as tf.Tensor4D;
      for (const g of COLOR_GROUP_NAMES) {
        const err = relError(applyGroup(applyGroup(x, g, 0.3), g, -0.8).dataSync(), applyGroup(x, g, -0.5).dataSync());
        assert.ok(err < TOL.float32FewOps, `${g}: ${err}`); // two 3×3 float32 matMuls: ~3 ulp
      }
    });

    it('hue by 2π/3 maps red → green → blue → red: out = (b, r, g)', () => {
      const x = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.9, 0.2, 0.4], [1, 2, 2, 3]);
      const got = applyGroup(x, 'hue', (2 * Math.PI) / 3).dataSync();
      const want = [0, 1, 0, 0, 0, 1, 1, 0, 0, 0.4, 0.9, 0.2];
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < TOL.float32FewOps, `entry ${i}: ${v} vs ${want[i]}`));
      // A grey pixel stays put under any hue rotation.
      const grey = applyGroup(tf.fill([1, 1, 1, 3], 0.6) as tf.Tensor4D, 'hue', 1.234).dataSync();
      grey.forEach((v) => assert.ok(Math.abs(v - 0.6) < TOL.float32FewOps));
    });

    it('colour closed forms: brightness e^t x, saturation g + e^t(x − g), contrast m + e^t(x − m)', () => {
      const data = [0.1, 0.5, 0.9, 0.3, 0.3, 0.8, 0.6, 0.2, 0.0, 1.0, 0.7, 0.4];
      const x = tf.tensor4d(data, [1, 2, 2, 3]);
      const t = 0.4;
      const e = Math.exp(t);
      const luma = (k: number) =>
        LUMA_WEIGHTS[0] * data[3 * k] + LUMA_WEIGHTS[1] * data[3 * k + 1] + LUMA_WEIGHTS[2] * data[3 * k + 2];
      const m = [0, 1, 2, 3].reduce((a, k) => a + luma(k), 0) / 4;
      assert.ok(
        relError(
          applyGroup(x, 'brightness', t).dataSync(),
          data.map((v) => e * v),
        ) < TOL.float32FewOps,
      );
      assert.ok(
        relError(
          applyGroup(x, 'saturation', t).dataSync(),
          data.map((v, i) => luma(Math.floor(i / 3)) + e * (v - luma(Math.floor(i / 3)))),
        ) < TOL.float32FewOps,
      );
      assert.ok(
        relError(
          applyGroup(x, 'contrast', t).dataSync(),
          data.map((v) => m + e * (v - m)),
        ) < TOL.float32FewOps,
      );
    });

    it("a custom 2×3 group with rotate's generator acts like rotate", () => {
      const x = sampleImage(NEUMANN_COSINES, 8, 11);
      const custom = defineGroup('my-rotate', [
        [0, 1, 0],
        [-1, 0, 0],
      ]);
      assert.deepEqual(applyGroup(x, custom, 0.3).dataSync(), applyGroup(x, 'rotate', 0.3).dataSync());
    });

    it('input checks name the argument and what was expected', () => {
      const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
      assert.throws(() => applyGroup(x, 'rotate', []), /empty array/);
      assert.throws(() => applyGroup(x, 'rotate', [0.1, NaN]), /finite numbers, got NaN/);
      assert.throws(() => applyGroup(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, 'saturation', 0.1), /\[B, H, W, 3\]/);
      assert.throws(
        () => applyGroup(tf.zeros([1, 4, 4, 3], 'int32') as tf.Tensor4D, 'rotate', 0.1),
        /float32, got int32/,
      );
    });
  });
}
