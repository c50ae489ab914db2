import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, tinyGraph } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Affine in x: h = 1e-2, FD exact up to round-off (≈ 1e-5 rel.); tol 1e-3.
const bnConsts = () => ({
  scale: tf.tensor1d([2, -1, 0.5]),
  offset: tf.tensor1d([10, 20, 30]),
  mean: tf.tensor1d([0.1, -0.2, 0.3]),
  variance: tf.tensor1d([3, 0.25, 1]),
});

for (const backend of TEST_BACKENDS) {
  describe(`FusedBatchNorm rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: ẏ = ẋ·γ/√(σ² + ε), no offset or mean in the tangent', async () => {
      // ε = 0: γ/√σ² = (2/√3, −1/0.5, 0.5/1) = (1.1547…, −2, 0.5) for ẋ = 1.
      const m = await tinyGraph(
        [-1, 3],
        [
          {
            name: 'y',
            op: 'FusedBatchNormV3',
            input: ['x', 'scale', 'offset', 'mean', 'variance'],
            attr: { epsilon: attr.f(0) },
          },
        ],
        bnConsts(),
      );
      const x = tf.tensor2d([[5, 6, 7]]);
      const v = tf.ones([1, 3]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      const t = tangent.dataSync();
      assert.ok(
        Math.abs(t[0] - 2 / Math.sqrt(3)) < TOL.float32FewOps && t[1] === -2 && t[2] === 0.5,
        `got ${Array.from(t)}`,
      );
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const op of ['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3']) {
      it(`${op} (NHWC, ε = 1e-3) matches central differences, k = 2`, async () => {
        const m = await tinyGraph(
          [-1, 4, 4, 3],
          [{ name: 'y', op, input: ['x', 'scale', 'offset', 'mean', 'variance'], attr: { epsilon: attr.f(1e-3) } }],
          bnConsts(),
        );
        assertGraphJvp(m, [2, 4, 4, 3], { h: TOL.fdStepLinear, tol: TOL.fdRel, what: op });
        m.dispose();
      });
    }
  });
}
