import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../../../src/backend';
import '../../../../../src/jvp/rules';
import { jvpLayersModel } from '../../../../../src/jvp/layersModel';
import { ClassToken, ClassTokenPool, PositionEmbedding } from '../../../../../src/models/layers';
import { seededUniform, wrapLayer } from '../../../../helpers/customLayers';
import { checkJvpAgainstFd } from '../../../../helpers/jvpCheck';
import { expectNoLeak } from '../../../../helpers/noLeak';
import { TOL } from '../../../../helpers/tolerances';

// ClassToken, PositionEmbedding and ClassTokenPool are affine in x; one file covers the three token
// layers (their rules are one line each).
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`token layers and rules (${backend})`, () => {
    before(async () => {
      await useBackend(backend);
    });

    it('hand-checked values: token first, embedding added, token 0 read back', () => {
      const ct = new ClassToken({ seed: 3 });
      const model = wrapLayer(ct, [2, 3]);
      ct.token.write(tf.tensor3d([[[7, 8, 9]]]));
      const y = model.predict(
        tf.tensor3d([
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ]),
      ) as tf.Tensor;
      assert.deepEqual(y.arraySync(), [
        [
          [7, 8, 9],
          [1, 2, 3],
          [4, 5, 6],
        ],
      ]);
      const pe = new PositionEmbedding({ seed: 1 });
      const m2 = wrapLayer(pe, [2, 1]);
      pe.embedding.write(tf.tensor3d([[[10], [20]]]));
      assert.deepEqual(
        (
          m2.predict(
            tf.tensor3d([
              [[1], [2]],
              [[3], [4]],
            ]),
          ) as tf.Tensor
        ).arraySync(),
        [
          [[11], [22]],
          [[13], [24]],
        ],
      );
      const pool = wrapLayer(new ClassTokenPool(), [3, 3]);
      assert.deepEqual((pool.predict(y) as tf.Tensor).arraySync(), [[7, 8, 9]]);
    });

    it('tangents: class token row is 0, embedding passes ẋ, pool reads row 0 (k = 2)', () => {
      const ct = wrapLayer(new ClassToken({ seed: 3 }), [4, 5]);
      const x = seededUniform([2, 4, 5], 1);
      const v = seededUniform([4, 4, 5], 2);
      const d = jvpLayersModel(ct, x, v, { k: 2 });
      assert.deepEqual(d.tangent.shape, [4, 5, 5]);
      assert.equal(
        tf
          .abs(d.tangent.slice([0, 0, 0], [4, 1, 5]))
          .max()
          .dataSync()[0],
        0,
      );
      assert.deepEqual(d.tangent.slice([0, 1, 0], [4, 4, 5]).arraySync(), v.arraySync());
      tf.dispose([d.primal, d.tangent]);
    });

    it('ClassToken → PositionEmbedding → ClassTokenPool matches finite differences, no leak', async () => {
      const input = tf.input({ shape: [4, 5] });
      let h = new ClassToken({ seed: 1 }).apply(input) as tf.SymbolicTensor;
      h = new PositionEmbedding({ seed: 2 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers
        .dense({ units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) })
        .apply(h) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: new ClassTokenPool().apply(h) as tf.SymbolicTensor });
      const x = seededUniform([2, 4, 5], 5);
      const v = seededUniform([4, 4, 5], 6);
      // Smooth (tanh) net: central FD error O(h²) ≈ 1e-4 plus float32 rounding ≈ 1e-7/h; 2e-3 as jax's float32 table.
      await expectNoLeak(() => checkJvpAgainstFd(model, x, v, { h: TOL.fdStepLinear, tol: TOL.fdRelNonlinear }));
      tf.dispose([x, v]);
    });
  });
}
