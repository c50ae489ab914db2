import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, tinyGraph } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// AvgPool is linear (h = 1e-2, tol 1e-3). MaxPool is exact away from ties (seeded distinct values,
// h = 1e-3 ≪ their gaps; tol 2e-3).
const poolAttrs = (k: number, s: number, padding: string) => ({
  ksize: attr.ints([1, k, k, 1]),
  strides: attr.ints([1, s, s, 1]),
  padding: attr.s(padding),
  data_format: attr.s('NHWC'),
});

for (const backend of TEST_BACKENDS) {
  describe(`AvgPool / MaxPool rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: MaxPool passes the tangent at the argmax, the first one on ties', async () => {
      // 2×2 window over [[1, 4], [4, 2]] with ẋ = [[10, 20], [30, 40]]: max 4 first at (0,1) → ẏ = 20.
      const m = await tinyGraph(
        [-1, 2, 2, 1],
        [{ name: 'y', op: 'MaxPool', input: ['x'], attr: poolAttrs(2, 2, 'VALID') }],
      );
      const x = tf.tensor4d([1, 4, 4, 2], [1, 2, 2, 1]);
      const v = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual([primal.dataSync()[0], tangent.dataSync()[0]], [4, 20]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const [k, s, pad] of [
      [2, 2, 'VALID'],
      [3, 2, 'SAME'],
      [3, 1, 'SAME'],
      [3, 2, 'VALID'],
    ] as Array<[number, number, string]>) {
      for (const op of ['AvgPool', 'MaxPool']) {
        it(`${op} ${k}×${k} stride ${s} ${pad} matches central differences, k = 2`, async () => {
          const m = await tinyGraph([-1, 7, 6, 3], [{ name: 'y', op, input: ['x'], attr: poolAttrs(k, s, pad) }]);
          assertGraphJvp(m, [2, 7, 6, 3], {
            h: op === 'AvgPool' ? TOL.fdStepLinear : TOL.fdStepSmooth,
            tol: op === 'AvgPool' ? TOL.fdRel : TOL.fdRelNonlinear,
            what: `${op} ${k} ${s} ${pad}`,
          });
          m.dispose();
        });
      }
    }
  });
}
