import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, tinyGraph } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Smooth: h = 1e-2, truncation h²·|f'''|/6 ≈ 1e-5 for softmax of N(0,1) logits; tol 2e-3.
for (const backend of TEST_BACKENDS) {
  describe(`Softmax / LogSoftmax rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: softmax of [0, 0] along (1, −1) moves at rate ±1/2', async () => {
      // s = (½, ½); ṡ = s ⊙ (v − ⟨s, v⟩) = ½·((1, −1) − 0) = (½, −½).
      const m = await tinyGraph([-1, 2], [{ name: 'y', op: 'Softmax', input: ['x'] }]);
      const x = tf.tensor2d([[0, 0]]);
      const v = tf.tensor2d([[1, -1]]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual(Array.from(tangent.dataSync()), [0.5, -0.5]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    for (const op of ['Softmax', 'LogSoftmax']) {
      it(`${op} over the last axis matches central differences, k = 3`, async () => {
        const m = await tinyGraph([-1, 3, 5], [{ name: 'y', op, input: ['x'] }]);
        assertGraphJvp(m, [2, 3, 5], { k: 3, h: TOL.fdStepLinear, tol: TOL.fdRelNonlinear, what: op });
        m.dispose();
      });
    }
  });
}
