import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, seededNormal, tinyGraph } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Linear/bilinear graphs: h = 1e-2; FD of a quadratic is exact, so only round-off ≈ 1e-5 remains;
// tol 1e-3. Fused ReLU: h = 1e-3, seeds fixed off the kinks, tol 2e-3.
for (const backend of TEST_BACKENDS) {
  describe(`MatMul / BatchMatMulV2 / _FusedMatMul rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: x·xᵀ-style product of two x-dependent factors', async () => {
      // y = x·(xᵀ) for x = [[1, 2]]: y = 5, ẏ = ẋ·xᵀ + x·ẋᵀ = 2·(1·1 + 2·0) = 2 for ẋ = [[1, 0]].
      const m = await tinyGraph(
        [-1, 2],
        [
          {
            name: 'y',
            op: 'MatMul',
            input: ['x', 'x'],
            attr: { transpose_a: attr.b(false), transpose_b: attr.b(true) },
          },
        ],
      );
      const x = tf.tensor2d([[1, 2]]);
      const v = tf.tensor2d([[1, 0]]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual([primal.dataSync()[0], tangent.dataSync()[0]], [5, 2]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
    ]) {
      it(`MatMul x·W (transpose_a ${tA}, transpose_b ${tB}) matches central differences, k = 3`, async () => {
        // With transpose_a, x [B, 3] enters as xᵀ [3, B], so the batch is not on the rows: B = 3 makes it square.
        const w = tB ? seededNormal([4, 3], 31) : seededNormal([3, 4], 31);
        const m = await tinyGraph(
          [-1, 3],
          [
            {
              name: 'y',
              op: 'MatMul',
              input: tA ? ['x', 'wt'] : ['x', 'w'],
              attr: { transpose_a: attr.b(tA), transpose_b: attr.b(tB) },
            },
          ],
          tA ? { wt: seededNormal([3, 4], 32) } : { w },
        );
        assertGraphJvp(m, [3, 3], { k: 3, h: TOL.fdStepLinear, tol: TOL.fdRel, what: `MatMul ${tA} ${tB}` });
        m.dispose();
      });
    }

    it('BatchMatMulV2 attention-like x·xᵀ (both factors from x) matches central differences, k = 2', async () => {
      const m = await tinyGraph(
        [-1, 3, 4],
        [{ name: 'y', op: 'BatchMatMulV2', input: ['x', 'x'], attr: { adj_x: attr.b(false), adj_y: attr.b(true) } }],
      );
      assertGraphJvp(m, [2, 3, 4], { h: TOL.fdStepLinear, tol: TOL.fdRel, what: 'BatchMatMulV2' });
      m.dispose();
    });

    for (const fused of [['BiasAdd'], ['BiasAdd', 'Relu'], ['BiasAdd', 'Sigmoid']]) {
      it(`_FusedMatMul ${fused.join('+')} matches central differences; bias never reaches the tangent`, async () => {
        const m = await tinyGraph(
          [-1, 6],
          [
            {
              name: 'y',
              op: '_FusedMatMul',
              input: ['x', 'w', 'b'],
              attr: {
                transpose_a: attr.b(false),
                transpose_b: attr.b(false),
                fused_ops: attr.strs(fused),
                num_args: attr.i(1),
                epsilon: attr.f(0),
              },
            },
          ],
          { w: seededNormal([6, 5], 33), b: tf.tensor1d([100, -0.3, 0.2, 0.1, 0]) },
        );
        assertGraphJvp(m, [4, 6], { h: TOL.fdStepSmooth, tol: TOL.fdRelNonlinear, seed: 3, what: fused.join('+') });
        const x = seededNormal([1, 6], 9);
        const zero = jvpGraphModel(m, x, tf.zerosLike(x));
        assert.equal(tf.max(tf.abs(zero.tangent)).dataSync()[0], 0);
        tf.dispose([x, zero.primal, zero.tangent]);
        m.dispose();
      });
    }
  });
}
