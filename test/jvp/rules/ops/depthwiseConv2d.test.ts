import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { jvpGraphModel } from '../../../../src/jvp/graphModel';
import { setTestBackend, TEST_BACKENDS } from '../../../helpers/backends';
import { assertGraphJvp, attr, seededNormal, tinyGraph } from '../../../helpers/opGraph';
import { TOL } from '../../../helpers/tolerances';

// Linear graphs: h = 1e-2, FD exact up to float32 round-off (≈ 6e-8·max|f|/h ≈ 1e-5 rel.); tol 1e-3.
// Fused ReLU6: h = 1e-3 (round-off ≈ 1e-4 rel.), tol 2e-3; seed 2 keeps every FD step off the kinks
// (seed 1 puts one pre-activation within 1e-3 of 0: its FD quotient is half the slope, rel. error 0.18).
const dwAttrs = (strides: number[], padding: string) => ({
  strides: attr.ints(strides),
  padding: attr.s(padding),
  dilations: attr.ints([1, 1, 1, 1]),
  data_format: attr.s('NHWC'),
});

for (const backend of TEST_BACKENDS) {
  describe(`DepthwiseConv2dNative / FusedDepthwiseConv2dNative rules (${backend})`, () => {
    before(() => setTestBackend(backend));

    it('hand-checked: 1×1 depthwise with channel multipliers scales each channel', async () => {
      // hand-checked: filter [1,1,2,1] = [3, −2]: ẏ = (3·ẋ₀, −2·ẋ₁) = (3·1, −2·0.5) = (3, −1).
      const m = await tinyGraph(
        [-1, 1, 1, 2],
        [{ name: 'y', op: 'DepthwiseConv2dNative', input: ['x', 'w'], attr: dwAttrs([1, 1, 1, 1], 'VALID') }],
        { w: tf.tensor4d([3, -2], [1, 1, 2, 1]) },
      );
      const x = tf.tensor4d([5, 7], [1, 1, 1, 2]);
      const v = tf.tensor4d([1, 0.5], [1, 1, 1, 2]);
      const { primal, tangent } = jvpGraphModel(m, x, v);
      assert.deepEqual(Array.from(tangent.dataSync()), [3, -1]);
      assert.deepEqual(Array.from(primal.dataSync()), [15, -14]);
      tf.dispose([primal, tangent, x, v]);
      m.dispose();
    });

    it('DepthwiseConv2dNative (SAME, stride 2, multiplier 2) matches central differences, k = 2', async () => {
      const m = await tinyGraph(
        [-1, 7, 7, 3],
        [{ name: 'y', op: 'DepthwiseConv2dNative', input: ['x', 'w'], attr: dwAttrs([1, 2, 2, 1], 'SAME') }],
        { w: seededNormal([3, 3, 3, 2], 11) },
      );
      assertGraphJvp(m, [2, 7, 7, 3], { h: TOL.fdStepLinear, tol: TOL.fdRel, what: 'DepthwiseConv2dNative' });
      m.dispose();
    });

    for (const fused of [['BiasAdd'], ['BiasAdd', 'Relu6'], ['BiasAdd', 'Relu']]) {
      it(`FusedDepthwiseConv2dNative ${fused.join('+')} matches central differences, k = 2`, async () => {
        const m = await tinyGraph(
          [-1, 6, 6, 4],
          [
            {
              name: 'y',
              op: 'FusedDepthwiseConv2dNative',
              input: ['x', 'w', 'b'],
              attr: { ...dwAttrs([1, 1, 1, 1], 'SAME'), fused_ops: attr.strs(fused), num_args: attr.i(1) },
            },
          ],
          { w: seededNormal([3, 3, 4, 1], 12), b: seededNormal([4], 13) },
        );
        assertGraphJvp(m, [2, 6, 6, 4], {
          h: TOL.fdStepSmooth,
          tol: TOL.fdRelNonlinear,
          seed: 2,
          what: fused.join('+'),
        });
        m.dispose();
      });
    }
  });
}
