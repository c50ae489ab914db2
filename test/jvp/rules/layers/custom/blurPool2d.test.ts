import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../../../src/backend';
import '../../../../../src/jvp/rules';
import { jvpLayersModel } from '../../../../../src/jvp/layersModel';
import { BlurPool2D } from '../../../../../src/models/layers';
import { seededUniform, wrapLayer } from '../../../../helpers/customLayers';
import { checkJvpAgainstFd } from '../../../../helpers/jvpCheck';
import { expectNoLeak } from '../../../../helpers/noLeak';
import { relError } from '../../../../helpers/reference';
import { TOL } from '../../../../helpers/tolerances';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`BlurPool2D layer and rule (${backend})`, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('hand-checked: a centred delta in 3×3 reaches all 2×2 outputs twice per axis', () => {
      // Reflection makes index −1 and 3 copies of index 1, so each output sees the delta with
      // weight (1 + 1)/4 per axis: 16 · (2/4)·(2/4) = 4 everywhere.
      const x = tf.tensor4d([0, 0, 0, 0, 16, 0, 0, 0, 0], [1, 3, 3, 1]);
      const y = new BlurPool2D().apply(x) as tf.Tensor;
      assert.deepEqual(y.shape, [1, 2, 2, 1]);
      assert.deepEqual([...y.dataSync()], [4, 4, 4, 4]);
      tf.dispose([x, y]);
    });

    it('equals mirror-pad + depthwise [1,2,1]⊗[1,2,1]/16 conv at stride 2 (independent form), odd and even sizes', () => {
      for (const [h, w] of [
        [28, 28],
        [27, 13],
        [5, 6],
      ]) {
        const x = seededUniform([2, h, w, 3], h * w) as tf.Tensor4D;
        const k1 = [1, 2, 1];
        const filter = tf
          .tensor4d(
            k1.flatMap((a) => k1.map((b) => (a * b) / 16)),
            [3, 3, 1, 1],
          )
          .tile([1, 1, 3, 1]) as tf.Tensor4D;
        const ref = tf.depthwiseConv2d(
          tf.mirrorPad(
            x,
            [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ],
            'reflect',
          ),
          filter,
          2,
          'valid',
        );
        const y = new BlurPool2D().apply(x) as tf.Tensor;
        assert.deepEqual(y.shape, ref.shape);
        assert.ok(relError(y.dataSync(), ref.dataSync()) < TOL.float32FewOps); // float32 summation order only
        tf.dispose([x, filter, ref, y]);
      }
    });

    it('reverse mode (what training uses) is the adjoint: ⟨∇⟨w, f(x)⟩, v⟩ = ⟨w, f(v)⟩ for the linear f', () => {
      const x = seededUniform([2, 9, 8, 2], 3) as tf.Tensor4D;
      const v = seededUniform([2, 9, 8, 2], 4) as tf.Tensor4D;
      const w = seededUniform([2, 5, 4, 2], 5);
      const layer = new BlurPool2D();
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, layer.apply(t) as tf.Tensor)))(x);
      const lhs = tf.sum(tf.mul(grad, v)).dataSync()[0];
      const fv = layer.apply(v) as tf.Tensor;
      const rhs = tf.sum(tf.mul(w, fv)).dataSync()[0];
      assert.ok(Math.abs(lhs - rhs) <= TOL.float32Reordered * Math.abs(rhs), `${lhs} vs ${rhs}`);
      tf.dispose([x, v, w, grad, fv]);
    });

    it('forward mode matches central finite differences (k = 2 stacked directions), no leak', async () => {
      const model = wrapLayer(new BlurPool2D(), [9, 8, 2]);
      const x = seededUniform([2, 9, 8, 2], 1);
      const v = seededUniform([4, 9, 8, 2], 2);
      // Linear layer: FD is exact up to float32 rounding of (f(x+hv) − f(x−hv))/2h ≈ 1e-7/1e-3.
      await expectNoLeak(() => checkJvpAgainstFd(model, x, v, { h: TOL.fdStepLinear, tol: TOL.fdRelLinear }));
      const zero = jvpLayersModel(model, x, tf.zerosLike(v), { k: 2 });
      assert.equal(tf.abs(zero.tangent).max().dataSync()[0], 0);
      tf.dispose([x, v, zero.primal, zero.tangent]);
    });
  });
}
