import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, tinyGraph } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Mean/Sum are linear (h = 1e-2, round-off only, tol 1e-3). Max/Min are exact away from ties:
// seeded N(0,1) values are distinct and the FD step h = 1e-3 is far below their gaps.
for (const backend of TEST_BACKENDS) {
  describe(`reduction op rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: Max splits the tangent evenly between tied maxima', async () => {
      // x = [3, 1, 3], ẋ = [1, 5, 0]: the two 3s tie, ẏ = (1 + 0)/2 = 0.5 (tfjs's gradient splits too).
      const m = await tinyGraph(
        [-1, 3],
        [{ name: 'y', op: 'Max', input: ['x', 'axis'], attr: { keep_dims: attr.b(false) } }],
        { axis: tf.tensor1d([1], 'int32') },
      );
      const x = tf.tensor2d([[3, 1, 3]]);
      const v = tf.tensor2d([[1, 5, 0]]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual([primal.dataSync()[0], tangent.dataSync()[0]], [3, 0.5]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    it('hand-checked: Prod at a zero factor (the cofactor needs no division)', async () => {
      // y = x0·x1·x2 at [2, 0, 3], ẋ = [1, 1, 1]: ẏ = x1x2 + x0x2 + x0x1 = 0 + 6 + 0 (y/x_i would be 0/0 at x1).
      const m = await tinyGraph(
        [-1, 3],
        [{ name: 'y', op: 'Prod', input: ['x', 'axis'], attr: { keep_dims: attr.b(true) } }],
        { axis: tf.tensor1d([1], 'int32') },
      );
      const x = tf.tensor2d([[2, 0, 3]]);
      const v = tf.tensor2d([[1, 1, 1]]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual([primal.shape, [...primal.dataSync()], [...tangent.dataSync()]], [[1, 1], [0], [6]]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const op of ['Mean', 'Sum', 'Max', 'Min', 'Prod']) {
      for (const [axis, keep] of [
        [[1, 2], true],
        [[-1], false],
        [[0, 2], false],
      ] as Array<[number[], boolean]>) {
        it(`${op} over axes [${axis}] (keep_dims ${keep}) matches central differences, k = 2`, async () => {
          const m = await tinyGraph(
            [-1, 3, 4],
            [{ name: 'y', op, input: ['x', 'axis'], attr: { keep_dims: attr.b(keep) } }],
            { axis: tf.tensor1d(axis, 'int32') },
          );
          const linear = op === 'Mean' || op === 'Sum';
          assertGraphJvp(m, [2, 3, 4], {
            h: linear ? TOL.fdStepLinear : TOL.fdStepSmooth,
            tol: linear ? TOL.fdRel : TOL.fdRelNonlinear,
            what: `${op} ${axis}`,
          });
          m.dispose();
        });
      }
    }
  });
}
